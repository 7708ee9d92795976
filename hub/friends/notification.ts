import type { Friend, FriendsPersonConfig } from "../config/index.js";
import { type NotificationAction, NotificationEventSchema } from "../core/index.js";
import { dialable } from "./policy.js";

export const FRIEND_TAG_PREFIX = "calm-friend-";
const ACTION = /^CALM_(CALL|NOT_NOW|SNOOZE)_([A-Z0-9]{4,32})$/;

/** The `notify.mobile_app_*` service data of one suggestion. */
export interface FriendNotification {
  title: string;
  message: string;
  data: { tag: string; group: string; actions: NotificationAction[] };
}

/**
 * A suggestion as the companion app shows it: a question, a Call button that dials, "Not now" and "Snooze"
 * (three actions, Android's maximum). The text names the friend and nothing else: a lock screen is no place
 * for how someone is feeling, and never for a number.
 */
export function buildFriendNotification(
  id: string,
  friend: Friend,
  dialLink: FriendsPersonConfig["dial_link"],
): FriendNotification {
  const number = dialable(friend.phone);
  const call: NotificationAction =
    dialLink === "deep-link"
      ? // Android opens a uri only for the action named "URI"; the tag still tells the hub which suggestion.
        { action: "URI", title: `Call ${friend.name}`, uri: `deep-link://tel:${number}` }
      : { action: `CALM_CALL_${id}`, title: `Call ${friend.name}`, uri: `tel:${number}` };
  return {
    title: "Maybe call a friend?",
    message: `Want to call ${friend.name}?`,
    data: {
      tag: `${FRIEND_TAG_PREFIX}${id}`,
      group: "calm-hub-friends",
      actions: [
        call,
        { action: `CALM_NOT_NOW_${id}`, title: "Not now" },
        { action: `CALM_SNOOZE_${id}`, title: "Snooze" },
      ],
    },
  };
}

export type TappedAction = { kind: "call" | "not_now" | "snooze" | "dismissed"; id: string };

/** Which suggestion a tap (or a swipe-away) answers; undefined for other apps' notifications. */
export function parseFriendEvent(eventType: string, data: unknown): TappedAction | undefined {
  const parsed = NotificationEventSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const { action, tag } = parsed.data;
  const tagId = tag?.startsWith(FRIEND_TAG_PREFIX) ? tag.slice(FRIEND_TAG_PREFIX.length) : undefined;
  if (eventType === "mobile_app_notification_cleared")
    return tagId && /^[A-Z0-9]{4,32}$/.test(tagId) ? { kind: "dismissed", id: tagId } : undefined;
  if (action === "URI" && tagId) return { kind: "call", id: tagId };
  const m = action ? ACTION.exec(action) : null;
  if (!m?.[1] || !m[2]) return undefined;
  const kind = m[1] === "CALL" ? "call" : m[1] === "NOT_NOW" ? "not_now" : "snooze";
  return { kind, id: m[2] };
}
