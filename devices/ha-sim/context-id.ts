import { randomBytes } from "node:crypto";
import type { HaContext } from "./types.js";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** HA context ids are ULIDs: 10 characters of millisecond time, then 16 of randomness. */
export function ulid(now: number = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  let random = "";
  for (const byte of randomBytes(16)) random += CROCKFORD.charAt(byte % 32);
  return time + random;
}

export function newContext(userId: string | null = null, parentId: string | null = null): HaContext {
  return { id: ulid(), parent_id: parentId, user_id: userId };
}
