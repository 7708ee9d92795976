import { describe, expect, it } from "vitest";
import { FakeClock } from "../../hub/core/index.js";
import {
  CommandLedger,
  type ContextOrigin,
  expect as expectFrom,
  findPersonForUser,
  isOverride,
  type ObservedChange,
  type ReportedState,
  roundHalfEven,
  SETTLE_MARGIN_MS,
} from "../../hub/override/index.js";

const T0 = 1_000_000;
const ctx = (id: string, user_id: string | null = null, parent_id: string | null = null) => ({
  id,
  user_id,
  parent_id,
});
const light = (state: string, brightness: number | null, kelvin: number | null = 2400): ReportedState => ({
  state,
  attributes: {
    color_mode: state === "on" ? "color_temp" : null,
    brightness,
    color_temp_kelvin: kelvin,
    supported_color_modes: ["color_temp"],
  },
  context: ctx("c"),
});
const speaker = (state: string, volume: number, extra: Record<string, unknown> = {}): ReportedState => ({
  state,
  attributes: { volume_level: volume, is_volume_muted: false, ...extra },
  context: ctx("c"),
});

/** The living-room light commanded from 200 to 30 % (76) with a 10 s transition at T0. */
const dimmed = expectFrom(
  "light.lr",
  {
    domain: "light",
    service: "turn_on",
    data: { brightness_pct: 30, color_temp_kelvin: 2400, transition: 10 },
  },
  light("on", 200, 3000),
  undefined,
  T0,
);

function judge(current: ReportedState, origin: ContextOrigin, now: number, previous = light("on", 76)) {
  return isOverride({ entity_id: "light.lr", current, previous, expectation: dimmed, origin, now });
}

describe("isOverride", () => {
  it("takes brightness_pct to brightness the way Python rounds (half to even)", () => {
    expect(dimmed?.brightness?.target).toBe(76); // 255 * 0.3 = 76.5 -> 76, not 77
    expect(roundHalfEven(0.5)).toBe(0);
    expect(roundHalfEven(1.5)).toBe(2);
    expect(roundHalfEven(2.4)).toBe(2);
  });

  it("accepts a delayed device echo that is off by one, long after HA dropped the hub's context", () => {
    expect(judge(light("on", 77), "device", T0 + 60_000)).toMatchObject({ override: false });
    expect(judge(light("on", 75, 2398), "device", T0 + 3_600_000)).toMatchObject({ override: false });
  });

  it("accepts a device reporting part of the way through the fade, during the transition and its margin", () => {
    const mid = light("on", 140, 2700);
    expect(judge(mid, "device", T0 + 5_000)).toMatchObject({ override: false });
    expect(judge(mid, "device", T0 + 10_000 + SETTLE_MARGIN_MS - 1)).toMatchObject({ override: false });
    // Stuck half way long after the fade: something else holds the light.
    expect(judge(mid, "device", T0 + 10_000 + SETTLE_MARGIN_MS + 1_000)).toMatchObject({
      override: true,
      why: "departs_from_command",
    });
  });

  it("counts a wall switch (a device report far from the command) at once", () => {
    expect(judge(light("off", null, null), "device", T0 + 2_000)).toMatchObject({
      override: true,
      key: "state",
    });
    expect(judge(light("on", 255), "device", T0 + 2_000)).toMatchObject({
      override: true,
      key: "brightness",
    });
  });

  it("counts a person's change, whoever the user is, even mid-fade; never the hub's or its automations'", () => {
    const byPerson = { ...light("on", 140), context: ctx("x", "token-owner") };
    expect(judge(byPerson, "actor", T0 + 2_000)).toMatchObject({ override: true, why: "person_changed_it" });
    expect(judge(byPerson, "hub", T0 + 2_000)).toMatchObject({ override: false, why: "hub_context" });
    expect(judge(light("on", 10), "hub_descendant", T0 + 2_000)).toMatchObject({ override: false });
  });

  it("never counts unavailable/unknown, nor the return from it after an HA restart", () => {
    expect(judge(light("unavailable", null, null), "device", T0 + 1)).toMatchObject({ override: false });
    expect(judge(light("unknown", null, null), "actor", T0 + 1)).toMatchObject({ override: false });
    expect(
      isOverride({
        entity_id: "light.lr",
        current: light("on", 76),
        previous: light("unavailable", null, null),
        expectation: dimmed,
        origin: "device",
        now: T0 + 600_000,
      }),
    ).toMatchObject({ override: false, why: "back_from_unavailable" });
  });

  it("ignores a speaker's position, title and artwork; counts its volume and state", () => {
    const playing = expectFrom(
      "media_player.lr",
      { domain: "media_player", service: "volume_set", data: { volume_level: 0.3 } },
      speaker("playing", 0.2),
      expectFrom(
        "media_player.lr",
        { domain: "media_player", service: "play_media", data: { media_content_id: "rain" } },
        speaker("idle", 0.3),
        undefined,
        T0,
      ),
      T0 + 2_000,
    );
    const input = (current: ReportedState, origin: ContextOrigin) => ({
      entity_id: "media_player.lr",
      current,
      previous: speaker("playing", 0.3, { media_position: 10 }),
      expectation: playing,
      origin,
      now: T0 + 600_000,
    });
    const chatty = speaker("playing", 0.3, {
      media_position: 70,
      media_title: "Rain, part 2",
      entity_picture: "/a.png",
    });
    expect(isOverride(input(chatty, "device"))).toMatchObject({ override: false });
    expect(isOverride(input(chatty, "actor"))).toMatchObject({ override: false });
    expect(isOverride(input(speaker("playing", 0.6), "actor"))).toMatchObject({
      override: true,
      key: "volume_level",
    });
    expect(isOverride(input(speaker("paused", 0.3), "device"))).toMatchObject({
      override: true,
      key: "state",
    });
  });

  it("without a command, only a real change of a value that counts is an override", () => {
    const previous = light("on", 120, 2700);
    const base = { entity_id: "light.hall", previous, expectation: undefined, now: T0 };
    expect(isOverride({ ...base, current: light("on", 121, 2700), origin: "device" })).toMatchObject({
      override: false,
    });
    expect(isOverride({ ...base, current: light("on", 200, 2700), origin: "actor" })).toMatchObject({
      override: true,
    });
  });
});

describe("CommandLedger", () => {
  type E = ReportedState & { entity_id: string };
  const setup = () => {
    const clock = new FakeClock(T0);
    const calls = new Set<string>();
    const ledger = new CommandLedger<E>({ clock, isCallContext: (id) => calls.has(id) });
    const seen: ObservedChange<E>[] = [];
    ledger.onChanges((changes) => seen.push(...changes));
    return { clock, calls, ledger, seen };
  };

  it("holds a change that arrives before the call's result, and judges it with the context then known", () => {
    const { calls, ledger, seen } = setup();
    const release = ledger.commanded(
      [{ domain: "light", service: "turn_on", target: { entity_id: "light.lr" }, data: { brightness: 80 } }],
      () => light("on", 200),
    );
    ledger.observe([{ entity_id: "light.lr", ...light("on", 80), context: ctx("call-1", "hub-user") }]);
    expect(seen).toHaveLength(0);
    calls.add("call-1");
    release();
    expect(seen[0]?.facts.origin).toBe("hub");
    expect(isOverride(seen[0]?.facts ?? ({} as never)).override).toBe(false);
  });

  it("follows parent_id chains: an automation the hub's change set off, and what that one set off", () => {
    const { calls, ledger } = setup();
    calls.add("hub-1");
    expect(ledger.origin(ctx("auto-1", null, "hub-1"))).toBe("hub_descendant");
    expect(ledger.origin(ctx("auto-2", null, "auto-1"))).toBe("hub_descendant");
    expect(ledger.origin(ctx("auto-3", null, "someone-else"))).toBe("actor");
    expect(ledger.origin(ctx("app", "hub-user"))).toBe("actor");
    expect(ledger.origin(ctx("poll"))).toBe("device");
  });

  it("releases held changes after a while even if a call never answers", () => {
    const { clock, ledger, seen } = setup();
    ledger.commanded(
      [{ domain: "light", service: "turn_off", target: { entity_id: "light.lr" } }],
      () => undefined,
    );
    ledger.observe([{ entity_id: "light.lr", ...light("off", null, null) }]);
    clock.advance(31_000);
    expect(seen).toHaveLength(1);
  });
});

describe("findPersonForUser", () => {
  it("finds the person whose user owns the hub's token", () => {
    const entities = [
      { entity_id: "person.alice", attributes: { user_id: "u-alice" } },
      { entity_id: "light.x", attributes: { user_id: "u-hub" } },
    ];
    expect(findPersonForUser(entities, "u-alice")).toBe("person.alice");
    expect(findPersonForUser(entities, "u-hub")).toBeUndefined();
    expect(findPersonForUser(entities, undefined)).toBeUndefined();
  });
});
