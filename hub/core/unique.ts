import { randomBytes } from "node:crypto";

/**
 * A readable id that two calls in one millisecond (or two hub processes) never share: the time, for sorting
 * and reading, plus random bits. For ids and idempotency keys of things that happen "now"; keys meant to
 * dedupe (reading id + rule) stay deterministic and do not use this.
 */
export function uniqueId(prefix: string, now: number): string {
  return `${prefix}${now.toString(36)}-${randomBytes(3).toString("hex")}`;
}
