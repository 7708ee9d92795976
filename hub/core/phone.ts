import { z } from "zod";
import { inWindow, parseHhmm } from "./calendar.js";
import { localTime } from "./zoned-time.js";

/**
 * The Home Assistant companion app's actionable notifications, as every feature that sends one (friend
 * suggestions, mood check-ins) builds and hears them: `notify.mobile_app_*` with `data.actions`, and the tap
 * coming back as a `mobile_app_notification_action` event.
 */
export interface NotificationAction {
  /** What the app sends back when tapped; the hub puts its record id in it. */
  action: string;
  title: string;
  uri?: string;
}

/** The app's events: a tap on an action, or the notification swiped away. */
export const PHONE_NOTIFICATION_EVENTS = [
  "mobile_app_notification_action",
  "mobile_app_notification_cleared",
] as const;
export type PhoneNotificationEvent = (typeof PHONE_NOTIFICATION_EVENTS)[number];

/** `mobile_app_notification_action` / `_cleared` event data, as far as the hub reads it. */
export const NotificationEventSchema = z.looseObject({
  action: z.string().max(200).optional(),
  tag: z.string().max(200).optional(),
});

/** Android shows at most three action buttons. */
export const MAX_NOTIFICATION_ACTIONS = 3;

/** `notify.mobile_app_alice_phone` or `mobile_app_alice_phone` → the service name `mobile_app_alice_phone`. */
export function notifyServiceName(notify: string): string {
  return notify.replace(/^notify\./, "");
}

/** Whether `now` falls in a local-time window such as quiet hours; equal times mean no window. */
export function inQuietHours(
  now: number,
  timeZone: string,
  quiet: { after: string; before: string },
): boolean {
  const after = parseHhmm(quiet.after);
  const before = parseHhmm(quiet.before);
  if (after === before) return false;
  return inWindow(localTime(now, timeZone).minutes, after, before);
}
