import { Writable } from "node:stream";
import { createRootLogger, type Logger } from "../../hub/core/index.js";

export interface CapturedLog {
  logger: Logger;
  /** Everything written so far, one JSON line per entry. */
  text(): string;
  lines(): Record<string, unknown>[];
}

/** A real pino root logger (redaction included) whose output the test can read back and search. */
export function captureLog(level = "info"): CapturedLog {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createRootLogger({ level, destination });
  const text = (): string => chunks.join("");
  return {
    logger,
    text,
    lines: () =>
      text()
        .split("\n")
        .filter((l) => l.trim().length > 0)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
