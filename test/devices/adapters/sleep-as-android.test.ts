import { describe, expect, it } from "vitest";
import { sleepAsAndroidAdapter } from "../../../devices/adapters/sleep-as-android.js";
import { ctx, fixture, one, RECEIVED_AT, rejected } from "./helpers.js";

const parse = (p: unknown): ReturnType<typeof sleepAsAndroidAdapter.parse> =>
  sleepAsAndroidAdapter.parse(typeof p === "string" ? p : JSON.stringify(p), ctx);

describe("sleep-as-android adapter", () => {
  it.each([
    ["sleep_tracking_started", "tracking"],
    ["sleep_tracking_resumed", "tracking"],
    ["sleep_tracking_stopped", "awake"],
    ["sleep_tracking_paused", "awake"],
    ["awake", "awake"],
    ["not_awake", "asleep"],
    ["rem", "asleep"],
    ["light_sleep", "asleep"],
    ["deep_sleep", "asleep"],
    ["smart_period", "asleep"],
    ["sound_event_snore", "asleep"],
    ["alarm_alert_dismiss", "awake"],
    ["alarm_snooze_clicked", "awake"],
  ])("%s → sleep %s, stamped at receipt", (event, state) => {
    expect(one(parse({ event }))).toEqual({
      person: "alex",
      measured_at: RECEIVED_AT,
      received_at: RECEIVED_AT,
      source: "sleep-as-android",
      quality: 1,
      sleep: state,
    });
  });

  it("ignores value1/value2 and extra fields", () => {
    expect(one(parse({ event: "deep_sleep", value1: 12, value2: null, extra: true })).sleep).toBe("asleep");
  });

  it("fixture: an alarm ringing says nothing about sleep", () => {
    expect(rejected(parse(fixture("sleep-as-android", "alarm.json")), "no_measurement")).toMatch(
      /alarm_alert_start/,
    );
  });

  it.each([
    ["lullaby", { event: "lullaby_start" }, "no_measurement"],
    ["baby sound", { event: "sound_event_baby" }, "no_measurement"],
    ["unknown event", { event: "teleported" }, "no_measurement"],
    ["prototype key", { event: "constructor" }, "no_measurement"],
    ["no event", { value1: "x" }, "invalid_payload"],
    ["event not string", { event: 3 }, "invalid_payload"],
    ["not JSON", "sleep_tracking_started", "malformed_json"],
  ])("%s → reason", (_n, p, reason) => {
    rejected(parse(p), reason);
  });
});
