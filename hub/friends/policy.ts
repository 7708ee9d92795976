import { z } from "zod";
import type { Friend, FriendsPersonConfig } from "../config/index.js";
import { inQuietHours, type SleepState } from "../core/index.js";
import { localDate } from "../schedule/index.js";

/** What set a suggestion off. `snooze` is the retry a person asked for with "Snooze". */
export const FriendTriggerSchema = z.enum(["high_stress", "episodes", "voice", "snooze"]);
export type FriendTrigger = z.infer<typeof FriendTriggerSchema>;

/** What became of a suggestion. */
export const FriendOutcomeSchema = z.enum(["sent", "called", "not_now", "snoozed", "dismissed", "failed"]);
export type FriendOutcome = z.infer<typeof FriendOutcomeSchema>;

/** One suggestion as the store keeps it (`friend`, `<person>:<id>`). No phone number, no reading. */
export const SuggestionRecordSchema = z.object({
  id: z.string(),
  person: z.string(),
  friend: z.string(),
  trigger: FriendTriggerSchema,
  sent_at: z.number(),
  /** Local calendar date of `sent_at`, for the daily limit. */
  day: z.string(),
  outcome: FriendOutcomeSchema,
  outcome_at: z.number().nullable(),
  /** Set by "Snooze": when to ask again. */
  retry_at: z.number().nullable().optional(),
  /** The suggestion a snooze retry follows. */
  retry_of: z.string().nullable().optional(),
  /** Why a snooze retry was not sent, if it was not. */
  retry_result: z.string().nullable().optional(),
  detail: z.string().nullable().optional(),
});
export type SuggestionRecord = z.infer<typeof SuggestionRecordSchema>;

export type FriendBlockReason =
  | "not_enabled"
  | "no_friends"
  | "not_configured"
  | "trigger_off"
  | "asleep"
  | "quiet_hours"
  | "daily_limit"
  | "not_now_cooldown"
  | "snoozed"
  | "too_soon";

export type PolicyVerdict = { allowed: true } | { allowed: false; reason: FriendBlockReason; until?: number };

export interface PolicyInput {
  config: FriendsPersonConfig | undefined;
  /** The person's suggestions, any order; older than a few days may be left out. */
  history: readonly SuggestionRecord[];
  now: number;
  timeZone: string;
  sleep?: SleepState | undefined;
  trigger: FriendTrigger;
}

const MIN = 60_000;
const HOUR = 3_600_000;

/**
 * Whether a friend suggestion may go out now. Pure. Quiet hours and the daily limit always apply; sleep,
 * "Not now", a pending snooze and the gap after the last suggestion hold back unprompted ones, but not a
 * person who asks by voice (who is, plainly, awake and asking).
 */
export function evaluateFriendPolicy(input: PolicyInput): PolicyVerdict {
  const { config: c, history, now, timeZone, sleep, trigger } = input;
  if (!c?.enabled) return { allowed: false, reason: "not_enabled" };
  if (c.friends.length === 0) return { allowed: false, reason: "no_friends" };
  if (!c.notify) return { allowed: false, reason: "not_configured" };

  const t = c.triggers;
  const on =
    trigger === "snooze" ||
    (trigger === "voice" && t.voice) ||
    (trigger === "high_stress" && t.high_for_min !== null) ||
    (trigger === "episodes" && t.episodes_per_day !== null);
  if (!on) return { allowed: false, reason: "trigger_off" };

  const asked = trigger === "voice";
  if (!asked && (sleep === "asleep" || sleep === "tracking")) return { allowed: false, reason: "asleep" };

  if (inQuietHours(now, timeZone, c.quiet_hours)) return { allowed: false, reason: "quiet_hours" };

  const today = localDate(now, timeZone);
  const counted = history.filter((r) => r.outcome !== "failed");
  if (counted.filter((r) => r.day === today).length >= c.max_per_day)
    return { allowed: false, reason: "daily_limit" };
  if (asked) return { allowed: true };

  if (trigger !== "snooze") {
    const snoozed = counted.find((r) => r.outcome === "snoozed" && (r.retry_at ?? 0) > now);
    if (snoozed) return { allowed: false, reason: "snoozed", until: snoozed.retry_at ?? now };
  }
  const lastNotNow = latest(
    counted.filter((r) => r.outcome === "not_now"),
    (r) => r.outcome_at ?? r.sent_at,
  );
  if (lastNotNow) {
    const until = (lastNotNow.outcome_at ?? lastNotNow.sent_at) + c.not_now_cooldown_h * HOUR;
    if (until > now) return { allowed: false, reason: "not_now_cooldown", until };
  }
  if (trigger !== "snooze") {
    const last = latest(counted, (r) => r.sent_at);
    if (last && last.sent_at + c.min_gap_min * MIN > now)
      return { allowed: false, reason: "too_soon", until: last.sent_at + c.min_gap_min * MIN };
  }
  return { allowed: true };
}

/** The friend after the one suggested last, in config order; the first when none was or they left the list. */
export function pickFriend(
  friends: readonly Friend[],
  history: readonly SuggestionRecord[],
): Friend | undefined {
  if (friends.length === 0) return undefined;
  const last = latest(history, (r) => r.sent_at);
  const index = last ? friends.findIndex((f) => f.name === last.friend) : -1;
  return friends[(index + 1) % friends.length];
}

/** `+49 (30) 123-45.67` → `+4930123456`. */
export function dialable(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, "");
  return phone.trim().startsWith("+") ? `+${digits}` : digits;
}

function latest<T>(items: readonly T[], at: (item: T) => number): T | undefined {
  let best: T | undefined;
  for (const item of items) if (!best || at(item) > at(best)) best = item;
  return best;
}
