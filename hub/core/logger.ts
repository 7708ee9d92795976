import { type Logger, pino } from "pino";

export type { Logger };

/** Paths that may hold secrets or health values; pino replaces them before anything is written. */
export const REDACT_PATHS = [
  "token",
  "*.token",
  "access_token",
  "*.access_token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  "password",
  "*.password",
  "payload",
  "*.payload",
];

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to capture and search a whole run. */
  destination?: NodeJS.WritableStream;
}

export function createRootLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.CALM_LOG_LEVEL ?? "info";
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, base: { app: "calm-hub" } },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
