import type { ServerMessage } from "../server-messages.js";
import type { SimHome } from "../sim-home.js";

/** A command after the envelope check: positive increasing `id`, string `type`, anything else. */
export interface CommandMessage {
  id: number;
  type: string;
  [key: string]: unknown;
}

/** What a command handler may do with the connection it runs on. */
export interface CommandConnection {
  readonly home: SimHome;
  readonly isAdmin: boolean;
  readonly userId: string;
  send(message: ServerMessage): void;
  sendResult(id: number, result: unknown): void;
  sendEvent(id: number, event: unknown): void;
  enableCoalescing(): void;
  addSubscription(id: number, unsubscribe: () => void): void;
  removeSubscription(id: number): boolean;
}

export type CommandHandler = (connection: CommandConnection, message: CommandMessage) => void | Promise<void>;
