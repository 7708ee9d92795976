import {
  MOODS,
  type Mood,
  moodTitle,
  type NotificationAction,
  NotificationEventSchema,
  type PhoneNotificationEvent,
} from "../core/index.js";
import type { CheckInKind } from "./records.js";

export const MOOD_TAG_PREFIX = "calm-mood-";
const ID = "[A-Z0-9]{4,32}";
const ACTION = new RegExp(`^CALM_MOOD_(${MOODS.map((m) => m.toUpperCase()).join("|")})_(${ID})$`);

/** The `notify.mobile_app_*` service data of one check-in. */
export interface CheckInNotification {
  title: string;
  message: string;
  data: { tag: string; group: string; actions: NotificationAction[] };
}

/**
 * A check-in as the companion app shows it: one question and a button per mood. The lock screen shows no
 * reading and no word about the episode's cause: only that the hub is asking.
 */
export function buildCheckInNotification(
  id: string,
  kind: CheckInKind,
  moods: readonly Mood[],
): CheckInNotification {
  return {
    title: "How do you feel?",
    message:
      kind === "evening"
        ? "A quick check-in before the evening: how was today?"
        : "The calm moment is over. How are you feeling now?",
    data: {
      tag: `${MOOD_TAG_PREFIX}${id}`,
      group: "calm-hub-mood",
      actions: moods.map((m) => ({ action: `CALM_MOOD_${m.toUpperCase()}_${id}`, title: moodTitle(m) })),
    },
  };
}

export type CheckInAnswer = { kind: "mood"; mood: Mood; id: string } | { kind: "dismissed"; id: string };

/** Which check-in a tap (or a swipe-away) answers; undefined for other notifications. */
export function parseCheckInEvent(
  eventType: PhoneNotificationEvent,
  data: unknown,
): CheckInAnswer | undefined {
  const parsed = NotificationEventSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const { action, tag } = parsed.data;
  if (eventType === "mobile_app_notification_cleared") {
    const id = tag?.startsWith(MOOD_TAG_PREFIX) ? tag.slice(MOOD_TAG_PREFIX.length) : undefined;
    return id && new RegExp(`^${ID}$`).test(id) ? { kind: "dismissed", id } : undefined;
  }
  const m = action ? ACTION.exec(action) : null;
  const mood = MOODS.find((x) => x.toUpperCase() === m?.[1]);
  if (!mood || !m?.[2]) return undefined;
  return { kind: "mood", mood, id: m[2] };
}
