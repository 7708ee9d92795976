import { toError } from "./errors.js";
import type { Logger } from "./logger.js";

/**
 * Runs work nobody waits for (a timer's episode end, a fire-and-forget call) so that its failure is a log
 * line, never an unhandled rejection: a plain Node process exits on one, and a store error mid-episode must
 * not take the hub down.
 */
export function background(
  work: Promise<unknown>,
  logger: Logger,
  fields: { component: string } & Record<string, unknown>,
  what: string,
): void {
  work.catch((err: unknown) => {
    logger.error({ ...fields, err: toError(err).message }, what);
  });
}
