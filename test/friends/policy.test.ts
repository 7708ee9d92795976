import { describe, expect, it } from "vitest";
import {
  FriendsConfigSchema,
  type FriendsPersonConfig,
  FriendsPersonConfigSchema,
} from "../../hub/config/index.js";
import { inQuietHours } from "../../hub/core/index.js";
import {
  buildFriendNotification,
  dialable,
  evaluateFriendPolicy,
  type FriendTrigger,
  parseFriendEvent,
  pickFriend,
  type SuggestionRecord,
} from "../../hub/friends/index.js";

const TZ = "Europe/Berlin";
/** Berlin local time on 2026-01-15 (UTC+1 in winter). */
const at = (hhmm: string, day = 15): number => {
  const [h, m] = hhmm.split(":").map(Number);
  return Date.UTC(2026, 0, day, (h ?? 0) - 1, m ?? 0);
};

const config = (over: Record<string, unknown> = {}): FriendsPersonConfig =>
  FriendsPersonConfigSchema.parse({
    enabled: true,
    notify: "notify.mobile_app_alice_phone",
    friends: [
      { name: "Sam", phone: "+49 30 1234567" },
      { name: "Kim", phone: "+49 30 7654321" },
      { name: "Jo", phone: "+49 30 5555555" },
    ],
    quiet_hours: { after: "22:00", before: "07:30" },
    max_per_day: 2,
    min_gap_min: 60,
    snooze_min: 30,
    not_now_cooldown_h: 12,
    ...over,
  });

let seq = 0;
const rec = (over: Partial<SuggestionRecord>): SuggestionRecord => ({
  id: `ID${seq++}X`,
  person: "alice",
  friend: "Sam",
  trigger: "high_stress",
  sent_at: at("10:00"),
  day: "2026-01-15",
  outcome: "sent",
  outcome_at: null,
  ...over,
});

const decide = (
  now: number,
  history: SuggestionRecord[] = [],
  o: { c?: FriendsPersonConfig; trigger?: FriendTrigger; sleep?: "awake" | "asleep" | "tracking" } = {},
) =>
  evaluateFriendPolicy({
    config: o.c ?? config(),
    history,
    now,
    timeZone: TZ,
    sleep: o.sleep,
    trigger: o.trigger ?? "high_stress",
  });

describe("config", () => {
  it("is off unless a person opts in, with friendly defaults", () => {
    const c = FriendsConfigSchema.parse({ bob: {} });
    expect(c.bob).toMatchObject({
      enabled: false,
      friends: [],
      max_per_day: 2,
      snooze_min: 30,
      not_now_cooldown_h: 12,
      triggers: { high_for_min: 20, episodes_per_day: 3, voice: true },
    });
    expect(decide(at("12:00"), [], { c: c.bob })).toEqual({ allowed: false, reason: "not_enabled" });
  });

  it("refuses an opt-in without friends or a phone, and a notify service that is not the app's", () => {
    expect(FriendsPersonConfigSchema.safeParse({ enabled: true }).success).toBe(false);
    expect(FriendsPersonConfigSchema.safeParse({ ...config(), notify: "notify.send_message" }).success).toBe(
      false,
    );
    expect(FriendsPersonConfigSchema.safeParse({ ...config(), notify: "mobile_app_bob_phone" }).success).toBe(
      true,
    );
    expect(
      FriendsPersonConfigSchema.safeParse({ ...config(), friends: [{ name: "Sam", phone: "call me" }] })
        .success,
    ).toBe(false);
  });
});

describe("quiet hours", () => {
  it("wrap past midnight", () => {
    const q = { after: "22:00", before: "07:30" };
    expect(inQuietHours(at("21:59"), TZ, q)).toBe(false);
    expect(inQuietHours(at("22:00"), TZ, q)).toBe(true);
    expect(inQuietHours(at("23:45"), TZ, q)).toBe(true);
    expect(inQuietHours(at("00:10"), TZ, q)).toBe(true);
    expect(inQuietHours(at("07:29"), TZ, q)).toBe(true);
    expect(inQuietHours(at("07:30"), TZ, q)).toBe(false);
    expect(inQuietHours(at("12:00"), TZ, q)).toBe(false);
  });

  it("within a day, and none when both ends are equal", () => {
    expect(inQuietHours(at("13:30"), TZ, { after: "13:00", before: "15:00" })).toBe(true);
    expect(inQuietHours(at("15:00"), TZ, { after: "13:00", before: "15:00" })).toBe(false);
    expect(inQuietHours(at("03:00"), TZ, { after: "00:00", before: "00:00" })).toBe(false);
  });

  it("hold back every trigger, a voice request too", () => {
    for (const trigger of ["high_stress", "episodes", "voice", "snooze"] as const)
      expect(decide(at("23:15"), [], { trigger })).toEqual({ allowed: false, reason: "quiet_hours" });
    expect(decide(at("02:00"), [], { trigger: "voice" })).toMatchObject({ reason: "quiet_hours" });
    expect(decide(at("12:00"))).toEqual({ allowed: true });
  });

  it("follow the local clock across a DST change", () => {
    // 2026-03-29 is the spring-forward day in Berlin: 07:00 local is 05:00 UTC.
    const morning = Date.UTC(2026, 2, 29, 5, 0);
    expect(inQuietHours(morning, TZ, { after: "22:00", before: "07:30" })).toBe(true);
    expect(inQuietHours(morning + 60 * 60_000, TZ, { after: "22:00", before: "07:30" })).toBe(false);
  });
});

describe("daily limit", () => {
  it("counts today's suggestions, not yesterday's, not failed ones", () => {
    const now = at("16:00");
    const two = [rec({ sent_at: at("09:00") }), rec({ sent_at: at("11:00"), outcome: "called" })];
    expect(decide(now, two)).toEqual({ allowed: false, reason: "daily_limit" });
    expect(decide(now, two, { trigger: "voice" })).toEqual({ allowed: false, reason: "daily_limit" });
    const yesterday = [rec({ sent_at: at("20:00", 14), day: "2026-01-14" }), rec({ sent_at: at("09:00") })];
    expect(decide(now, yesterday)).toEqual({ allowed: true });
    const failed = [rec({ sent_at: at("09:00"), outcome: "failed" }), rec({ sent_at: at("11:00") })];
    expect(decide(now, failed)).toEqual({ allowed: true });
  });

  it("zero means never", () => {
    expect(decide(at("12:00"), [], { c: config({ max_per_day: 0 }), trigger: "voice" })).toMatchObject({
      reason: "daily_limit",
    });
  });
});

describe("answers", () => {
  it("'Not now' holds back unprompted suggestions for the cooldown, not a person who asks", () => {
    const notNow = [
      rec({ sent_at: at("08:00"), outcome: "not_now", outcome_at: at("08:05"), day: "2026-01-15" }),
    ];
    const c = config({ max_per_day: 5 });
    expect(decide(at("15:00"), notNow, { c })).toEqual({
      allowed: false,
      reason: "not_now_cooldown",
      until: at("20:05"),
    });
    expect(decide(at("15:00"), notNow, { c, trigger: "episodes" })).toMatchObject({
      reason: "not_now_cooldown",
    });
    expect(decide(at("15:00"), notNow, { c, trigger: "voice" })).toEqual({ allowed: true });
    expect(decide(at("20:06"), notNow, { c })).toEqual({ allowed: true });
  });

  it("'Snooze' holds back others until the retry, which itself may go", () => {
    const snoozed = [
      rec({ sent_at: at("10:00"), outcome: "snoozed", outcome_at: at("10:01"), retry_at: at("10:31") }),
    ];
    expect(decide(at("10:20"), snoozed)).toEqual({ allowed: false, reason: "snoozed", until: at("10:31") });
    expect(decide(at("10:31"), snoozed, { trigger: "snooze" })).toEqual({ allowed: true });
    // The gap after a suggestion does not hold back the retry the person asked for.
    expect(decide(at("10:31"), snoozed)).toEqual({ allowed: false, reason: "too_soon", until: at("11:00") });
  });

  it("an unanswered suggestion holds the next back for the gap", () => {
    const sent = [rec({ sent_at: at("10:00") })];
    expect(decide(at("10:30"), sent)).toEqual({ allowed: false, reason: "too_soon", until: at("11:00") });
    expect(decide(at("11:00"), sent)).toEqual({ allowed: true });
  });
});

describe("sleep and triggers", () => {
  it("never nudges someone asleep or trying to sleep", () => {
    expect(decide(at("14:00"), [], { sleep: "asleep" })).toEqual({ allowed: false, reason: "asleep" });
    expect(decide(at("14:00"), [], { sleep: "tracking", trigger: "episodes" })).toMatchObject({
      reason: "asleep",
    });
    expect(decide(at("14:00"), [], { sleep: "awake" })).toEqual({ allowed: true });
    // Someone talking to Assist is awake, whatever the watch said last.
    expect(decide(at("14:00"), [], { sleep: "asleep", trigger: "voice" })).toEqual({ allowed: true });
  });

  it("respects triggers switched off", () => {
    const c = config({ triggers: { high_for_min: null, episodes_per_day: null, voice: false } });
    for (const trigger of ["high_stress", "episodes", "voice"] as const)
      expect(decide(at("12:00"), [], { c, trigger })).toEqual({ allowed: false, reason: "trigger_off" });
  });
});

describe("rotation", () => {
  const friends = config().friends;
  it("goes round the list from the last friend suggested", () => {
    expect(pickFriend(friends, [])?.name).toBe("Sam");
    expect(pickFriend(friends, [rec({ friend: "Sam", sent_at: 1 })])?.name).toBe("Kim");
    expect(
      pickFriend(friends, [rec({ friend: "Jo", sent_at: 5 }), rec({ friend: "Kim", sent_at: 2 })])?.name,
    ).toBe("Sam");
    expect(pickFriend(friends, [rec({ friend: "Someone who left", sent_at: 1 })])?.name).toBe("Sam");
    expect(pickFriend([], [])).toBeUndefined();
  });

  it("cycles through everyone over several suggestions", () => {
    const history: SuggestionRecord[] = [];
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      const f = pickFriend(friends, history);
      if (!f) throw new Error("no friend");
      names.push(f.name);
      history.push(rec({ friend: f.name, sent_at: i }));
    }
    expect(names).toEqual(["Sam", "Kim", "Jo", "Sam", "Kim", "Jo"]);
  });
});

describe("notification", () => {
  it("asks a question with three actions and nothing about health", () => {
    const n = buildFriendNotification("AB12CD", { name: "Sam", phone: "+49 (30) 123-4567" }, "tel");
    expect(n.message).toBe("Want to call Sam?");
    expect(`${n.title} ${n.message}`).not.toMatch(/\d|stress|level|heart|score|high/i);
    expect(n.data.tag).toBe("calm-friend-AB12CD");
    expect(n.data.actions).toEqual([
      { action: "CALM_CALL_AB12CD", title: "Call Sam", uri: "tel:+49301234567" },
      { action: "CALM_NOT_NOW_AB12CD", title: "Not now" },
      { action: "CALM_SNOOZE_AB12CD", title: "Snooze" },
    ]);
  });

  it("uses Android's URI action with a deep link when asked", () => {
    const n = buildFriendNotification("AB12CD", { name: "Kim", phone: "030 7654321" }, "deep-link");
    expect(n.data.actions[0]).toEqual({
      action: "URI",
      title: "Call Kim",
      uri: "deep-link://tel:0307654321",
    });
    expect(dialable("+1 (555) 010-9999")).toBe("+15550109999");
  });

  it("reads taps and swipes back, and ignores other apps' notifications", () => {
    const ev = "mobile_app_notification_action";
    expect(parseFriendEvent(ev, { action: "CALM_CALL_AB12CD", tag: "calm-friend-AB12CD" })).toEqual({
      kind: "call",
      id: "AB12CD",
    });
    expect(parseFriendEvent(ev, { action: "CALM_NOT_NOW_AB12CD" })).toEqual({
      kind: "not_now",
      id: "AB12CD",
    });
    expect(parseFriendEvent(ev, { action: "CALM_SNOOZE_AB12CD" })).toEqual({ kind: "snooze", id: "AB12CD" });
    expect(parseFriendEvent(ev, { action: "URI", tag: "calm-friend-AB12CD" })).toEqual({
      kind: "call",
      id: "AB12CD",
    });
    expect(parseFriendEvent("mobile_app_notification_cleared", { tag: "calm-friend-AB12CD" })).toEqual({
      kind: "dismissed",
      id: "AB12CD",
    });
    expect(parseFriendEvent(ev, { action: "OPEN_GARAGE" })).toBeUndefined();
    expect(parseFriendEvent(ev, { action: "URI", tag: "other" })).toBeUndefined();
    expect(parseFriendEvent(ev, { action: 42 })).toBeUndefined();
    expect(parseFriendEvent(ev, null)).toBeUndefined();
  });
});
