import type { CommandHandler } from "./command-types.js";
import { coreCommands } from "./core-commands.js";
import { registryCommands } from "./registry-commands.js";
import { subscriptionCommands } from "./subscription-commands.js";

/** Every command type the simulator answers; anything else is `unknown_command`. */
export const COMMANDS: ReadonlyMap<string, CommandHandler> = new Map(
  Object.entries({ ...coreCommands, ...subscriptionCommands, ...registryCommands }),
);
