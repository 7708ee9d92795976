// Argument parsing for the CLI's commands: node:util's parseArgs, with its errors turned into one line that
// names the command, the fix and where to read more (its TypeErrors otherwise surface as a stack trace).
import { type ParseArgsConfig, parseArgs } from "node:util";
import { closestWord } from "./config/index.js";
import { HubError } from "./core/index.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

export function usageError(command: string, message: string): HubError {
  return new HubError("CALM_ERR_USAGE", `calm-hub ${command}: ${message} (see: calm-hub ${command} --help)`);
}

function quoted(message: string): string | undefined {
  return /'([^']+)'/.exec(message)?.[1];
}

/** parseArgs for `calm-hub <command>`; a bad argument throws HubError CALM_ERR_USAGE with a one-line reason. */
export function parseCommandArgs<O extends Options>(
  command: string,
  argv: readonly string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const message = (err as Error).message;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const given = quoted(message) ?? "";
      const names = Object.keys(options).map((n) => `--${n}`);
      const guess = closestWord(given.replace(/=.*$/, ""), names);
      throw usageError(command, `unknown option ${given}${guess ? `; did you mean ${guess}?` : ""}`);
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const name = /--[a-z-]+/.exec(message)?.[0] ?? "an option";
      const kind = Object.entries(options).find(([n]) => `--${n}` === name)?.[1].type;
      throw usageError(command, kind === "boolean" ? `${name} takes no value` : `${name} needs a value`);
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      throw usageError(command, `unexpected argument "${quoted(message) ?? ""}"`);
    }
    throw err;
  }
}
