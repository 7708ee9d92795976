/**
 * Sleep as Android events, as published to MQTT (topic template `SleepAsAndroid/<person>`) or to its
 * webhook: `{ "event": "<name>", "value1"?: ..., "value2"?: ... }`. Events carry no timestamp, so the
 * Sample is stamped `measured_at = received_at`, and it carries only `sleep`.
 *
 * Events that do not say anything about whether the person sleeps (alarm ringing, lullaby, talk/cough/
 * baby/laugh sound events, unknown future events) are refused as `no_measurement`.
 */
import { z } from "zod";
import type { AdapterContext, ParseResult, SleepState, WearableAdapter } from "../../hub/core/sample.js";
import { buildSample, parseJsonPayload, parseWith, reject, single } from "./checks.js";

export const SAA_SOURCE = "sleep-as-android";

export const SleepAsAndroidEventSchema = z.object({
  event: z.string().min(1).max(64),
  value1: z.union([z.string(), z.number()]).nullish(),
  value2: z.union([z.string(), z.number()]).nullish(),
  value3: z.union([z.string(), z.number()]).nullish(),
});
export type SleepAsAndroidEvent = z.input<typeof SleepAsAndroidEventSchema>;

/** Event name → sleep state; events not listed carry no state. */
export const SLEEP_EVENT_STATES: Readonly<Record<string, SleepState>> = {
  sleep_tracking_started: "tracking",
  sleep_tracking_resumed: "tracking",
  sleep_tracking_paused: "awake",
  sleep_tracking_stopped: "awake",
  awake: "awake",
  not_awake: "asleep",
  rem: "asleep",
  light_sleep: "asleep",
  deep_sleep: "asleep",
  smart_period: "asleep",
  before_smart_period: "asleep",
  apnea_alarm: "asleep",
  antisnoring: "asleep",
  sound_event_snore: "asleep",
  alarm_snooze_clicked: "awake",
  alarm_alert_dismiss: "awake",
  time_to_bed_alarm_alert: "awake",
};

export function parseSleepAsAndroid(payload: Uint8Array | string, ctx: AdapterContext): ParseResult {
  const json = parseJsonPayload(payload);
  if (!json.ok) return json;
  const parsed = parseWith(SleepAsAndroidEventSchema, json.value);
  if (!parsed.ok) return parsed;
  const { event } = parsed.value;
  const sleep = Object.hasOwn(SLEEP_EVENT_STATES, event) ? SLEEP_EVENT_STATES[event] : undefined;
  if (sleep === undefined) return reject("no_measurement", `event "${event}" carries no sleep state`);
  return single(buildSample(ctx, { measured_at: ctx.received_at, source: SAA_SOURCE }, { sleep }));
}

export const sleepAsAndroidAdapter: WearableAdapter = {
  format: "sleep-as-android",
  parse: parseSleepAsAndroid,
};
