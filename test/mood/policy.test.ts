import { describe, expect, it } from "vitest";
import { ConfigSchema } from "../../hub/config/index.js";
import { formatZoned } from "../../hub/core/index.js";
import {
  buildCheckInNotification,
  type CheckInPolicyInput,
  type CheckInRecord,
  evaluateCheckIn,
  nextLocalTime,
  parseCheckInEvent,
} from "../../hub/mood/index.js";

const TZ = "Europe/Berlin";
const at = (iso: string): number => Date.parse(iso);

function input(patch: Partial<CheckInPolicyInput> = {}): CheckInPolicyInput {
  const now = at("2026-03-10T18:00:00+01:00");
  return {
    kind: "after_episode",
    optedIn: true,
    phone: "notify.mobile_app_alice_phone",
    now,
    dueAt: now,
    graceMs: 120_000,
    timeZone: TZ,
    quietHours: { after: "22:00", before: "07:00" },
    asleep: false,
    maxPerDay: 2,
    history: [],
    ...patch,
  };
}

function sent(
  day: string,
  kind: CheckInRecord["kind"],
  outcome: CheckInRecord["outcome"] = "sent",
): CheckInRecord {
  return {
    id: "X1Y2",
    person: "alice",
    kind,
    due_at: 0,
    sent_at: 0,
    day,
    outcome,
    answered_at: null,
    mood: null,
    episode_id: null,
    detail: null,
  };
}

describe("when a check-in may go out", () => {
  it("only to people who opted in and have a phone", () => {
    expect(evaluateCheckIn(input({ optedIn: false }))).toEqual({ allowed: false, reason: "not_opted_in" });
    expect(evaluateCheckIn(input({ phone: undefined }))).toEqual({ allowed: false, reason: "no_phone" });
    expect(evaluateCheckIn(input())).toEqual({ allowed: true });
  });

  it("never late: past its grace it is dropped, not sent", () => {
    const i = input();
    expect(evaluateCheckIn({ ...i, now: i.dueAt + 119_000 })).toEqual({ allowed: true });
    expect(evaluateCheckIn({ ...i, now: i.dueAt + 121_000 })).toEqual({ allowed: false, reason: "too_late" });
  });

  it("not in quiet hours, not while asleep", () => {
    const late = at("2026-03-10T22:30:00+01:00");
    expect(evaluateCheckIn(input({ now: late, dueAt: late }))).toEqual({
      allowed: false,
      reason: "quiet_hours",
    });
    expect(evaluateCheckIn(input({ asleep: true }))).toEqual({ allowed: false, reason: "asleep" });
  });

  it("counts only what reached the phone against the daily limit, and asks once an evening", () => {
    const today = "2026-03-10";
    const two = [sent(today, "after_episode"), sent(today, "after_episode", "answered")];
    expect(evaluateCheckIn(input({ history: two }))).toEqual({ allowed: false, reason: "daily_limit" });
    const held = [
      sent(today, "after_episode"),
      sent(today, "after_episode", "held"),
      sent("2026-03-09", "evening"),
    ];
    expect(evaluateCheckIn(input({ history: held }))).toEqual({ allowed: true });
    expect(evaluateCheckIn(input({ kind: "evening", history: [sent(today, "evening")] }))).toEqual({
      allowed: false,
      reason: "already_asked",
    });
  });
});

describe("the evening time", () => {
  it("is the next time the home's clock shows it, across a change to summer time", () => {
    expect(formatZoned(nextLocalTime(at("2026-03-28T21:00:00+01:00"), "20:00", TZ), TZ)).toBe(
      "2026-03-29T20:00:00+02:00",
    );
    expect(formatZoned(nextLocalTime(at("2026-03-29T19:59:00+02:00"), "20:00", TZ), TZ)).toBe(
      "2026-03-29T20:00:00+02:00",
    );
  });

  it("may not fall in the check-ins' quiet hours (it would never be sent)", () => {
    const r = ConfigSchema.safeParse({ mood: { evening_at: "23:00" } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(/falls in the check-ins' quiet hours/);
    expect(
      ConfigSchema.safeParse({
        mood: { evening_at: "23:00", quiet_hours: { after: "23:30", before: "07:00" } },
      }).success,
    ).toBe(true);
  });

  it("needs a phone for each person listed", () => {
    const r = ConfigSchema.safeParse({ mood: { people: { alice: {} } } });
    expect(JSON.stringify(r.error?.issues)).toMatch(/check-ins need alice's phone/);
  });
});

describe("the notification", () => {
  it("has one button per mood, and a tap names its check-in and mood", () => {
    const n = buildCheckInNotification("AB12CD", "evening", ["good", "okay", "low"]);
    expect(n.data.actions).toEqual([
      { action: "CALM_MOOD_GOOD_AB12CD", title: "Good" },
      { action: "CALM_MOOD_OKAY_AB12CD", title: "Okay" },
      { action: "CALM_MOOD_LOW_AB12CD", title: "Low" },
    ]);
    expect(parseCheckInEvent("mobile_app_notification_action", { action: "CALM_MOOD_LOW_AB12CD" })).toEqual({
      kind: "mood",
      mood: "low",
      id: "AB12CD",
    });
    expect(parseCheckInEvent("mobile_app_notification_cleared", { tag: "calm-mood-AB12CD" })).toEqual({
      kind: "dismissed",
      id: "AB12CD",
    });
    // A friend suggestion's buttons are not moods.
    expect(
      parseCheckInEvent("mobile_app_notification_action", { action: "CALM_NOT_NOW_AB12CD" }),
    ).toBeUndefined();
    expect(
      parseCheckInEvent("mobile_app_notification_action", { action: "CALM_MOOD_PURPLE_AB12CD" }),
    ).toBeUndefined();
  });
});
