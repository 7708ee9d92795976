import { addDays, inQuietHours, localDate, parseTime, zonedInstant } from "../core/index.js";
import type { CheckInKind, CheckInRecord } from "./records.js";

export type CheckInBlock =
  | "not_opted_in"
  | "no_phone"
  | "too_late"
  | "quiet_hours"
  | "asleep"
  | "daily_limit"
  | "already_asked";

export type CheckInVerdict = { allowed: true } | { allowed: false; reason: CheckInBlock };

export interface CheckInPolicyInput {
  kind: CheckInKind;
  optedIn: boolean;
  phone: string | undefined;
  now: number;
  /** When the check-in was meant to go out. */
  dueAt: number;
  /** How late it may still go out. */
  graceMs: number;
  timeZone: string;
  quietHours: { after: string; before: string };
  asleep: boolean;
  maxPerDay: number;
  /** The person's check-ins, any order (today's at least). */
  history: readonly CheckInRecord[];
}

/** Counted against the daily limit: what reached (or may have reached) the phone. */
export function counts(r: CheckInRecord): boolean {
  return r.outcome !== "held" && r.outcome !== "failed";
}

/**
 * Whether a check-in may go out now. Pure. A check-in is a question nobody asked for: it waits for no one,
 * so one that cannot go out at its time is dropped, never sent late or saved for the morning.
 */
export function evaluateCheckIn(input: CheckInPolicyInput): CheckInVerdict {
  const { now } = input;
  if (!input.optedIn) return { allowed: false, reason: "not_opted_in" };
  if (!input.phone) return { allowed: false, reason: "no_phone" };
  if (now > input.dueAt + input.graceMs) return { allowed: false, reason: "too_late" };
  if (inQuietHours(now, input.timeZone, input.quietHours)) return { allowed: false, reason: "quiet_hours" };
  if (input.asleep) return { allowed: false, reason: "asleep" };
  const today = localDate(now, input.timeZone);
  const sent = input.history.filter((r) => r.day === today && counts(r));
  if (input.kind === "evening" && sent.some((r) => r.kind === "evening"))
    return { allowed: false, reason: "already_asked" };
  if (sent.length >= input.maxPerDay) return { allowed: false, reason: "daily_limit" };
  return { allowed: true };
}

/** The next instant (strictly after `now`) at which the home's clock shows `hhmm`. */
export function nextLocalTime(now: number, hhmm: string, timeZone: string): number {
  const time = parseTime(hhmm);
  if (!time) throw new RangeError(`not a local time: ${hhmm}`);
  const today = localDate(now, timeZone);
  const at = zonedInstant(today, time, timeZone);
  return at > now ? at : zonedInstant(addDays(today, 1), time, timeZone);
}
