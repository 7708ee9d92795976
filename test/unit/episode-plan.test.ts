import { describe, expect, it } from "vitest";
import { parseConfig } from "../../hub/config/index.js";
import {
  brightnessOf,
  callFitsTargets,
  calmLights,
  capVolume,
  type EntitySnapshot,
  isNight,
  restoreLights,
  startSound,
  volumeRamp,
} from "../../hub/episodes/index.js";

const settings = parseConfig("").episodes;
const room = parseConfig(
  "rooms: { den: { lights: [light.den], media_player: media_player.den, max_volume: 0.4, night_max_volume: 0.15 } }",
).rooms.den;
const lamp = (state: string, brightness: number | null, kelvin: number | null): EntitySnapshot => ({
  entity_id: "light.den",
  state,
  attributes: {
    supported_color_modes: ["color_temp"],
    color_mode: state === "on" ? "color_temp" : null,
    brightness,
    color_temp_kelvin: kelvin,
  },
});

function roomOf() {
  if (!room) throw new Error("test config has no den");
  return room;
}

describe("episode planning", () => {
  it("never makes a light brighter or cooler than it was", () => {
    const dim = calmLights([lamp("on", 40, 2000)], settings, false);
    expect(dim.calls[0]?.data).toMatchObject({ brightness: 40, color_temp_kelvin: 2000 });
    const bright = calmLights([lamp("on", 255, 4000)], settings, false);
    expect(bright.calls[0]?.data).toMatchObject({
      brightness: Math.floor((settings.brightness_pct * 255) / 100),
      color_temp_kelvin: settings.color_temp_kelvin,
    });
    expect(bright.calls[0]?.data).not.toHaveProperty("brightness_pct");
  });

  it("keeps a light's own 0-255 value when it is already dimmer (60 stays 60, not 24 % = 61)", () => {
    const custom = { ...settings, brightness_pct: 30 };
    expect(calmLights([lamp("on", 60, 2000)], custom, false).calls[0]?.data?.brightness).toBe(60);
    // 30 % is 76.5 on HA's scale: rounded down, never up.
    expect(calmLights([lamp("on", 77, 2000)], custom, false).calls[0]?.data?.brightness).toBe(76);
    expect(brightnessOf(23.5)).toBe(59);
    expect(brightnessOf(20)).toBe(51);
  });

  it("uses the lower night brightness at night", () => {
    expect(calmLights([lamp("on", 255, 3000)], settings, true).calls[0]?.data?.brightness).toBe(
      Math.floor((settings.night_brightness_pct * 255) / 100),
    );
  });

  it("leaves a dark light off (no flash in a dark room) unless configured", () => {
    expect(calmLights([lamp("off", null, null)], settings, false)).toEqual({ calls: [], leased: [] });
    expect(
      calmLights([lamp("off", null, null)], { ...settings, turn_on_dark_lights: true }, false).leased,
    ).toEqual(["light.den"]);
  });

  it("restores exactly, turns off what was off, and skips overridden lights", () => {
    const on = lamp("on", 200, 3000);
    expect(restoreLights([on], new Set(["light.den"]), new Set(), 10)).toEqual([
      {
        domain: "light",
        service: "turn_on",
        target: { entity_id: "light.den" },
        data: { transition: 10, brightness: 200, color_temp_kelvin: 3000 },
      },
    ]);
    expect(restoreLights([lamp("off", null, null)], new Set(["light.den"]), new Set(), 10)[0]?.service).toBe(
      "turn_off",
    );
    expect(restoreLights([on], new Set(["light.den"]), new Set(["light.den"]), 10)).toEqual([]);
  });

  it("gives back only lights with light services: the leased speaker is not a light", () => {
    const speaker = { entity_id: "media_player.den", state: "idle", attributes: { volume_level: 0.2 } };
    const leased = new Set(["light.den", "media_player.den"]);
    const calls = restoreLights([lamp("on", 200, 3000), speaker], leased, new Set(), 10);
    expect(calls.map((c) => c.target?.entity_id)).toEqual(["light.den"]);
    expect(calmLights([speaker], { ...settings, turn_on_dark_lights: true }, false).calls).toEqual([]);
  });

  it("refuses a call whose service domain is not its entity's domain", () => {
    const target = (entity_id: string | string[]) => ({ target: { entity_id } });
    expect(callFitsTargets({ domain: "light", service: "turn_off", ...target("light.den") })).toBe(true);
    expect(callFitsTargets({ domain: "light", service: "turn_off", ...target("media_player.den") })).toBe(
      false,
    );
    expect(
      callFitsTargets({ domain: "light", service: "turn_on", ...target(["light.den", "media_player.den"]) }),
    ).toBe(false);
    expect(
      callFitsTargets({ domain: "media_player", service: "media_stop", ...target("media_player.den") }),
    ).toBe(true);
  });

  it("caps volume by room and time of day, and says when it clamped", () => {
    expect(capVolume(0.9, room ?? { max_volume: 1, night_max_volume: 1 }, false)).toEqual({
      volume: 0.4,
      cap: 0.4,
      clamped: true,
    });
    expect(capVolume(0.9, room ?? { max_volume: 1, night_max_volume: 1 }, true)).toEqual({
      volume: 0.15,
      cap: 0.15,
      clamped: true,
    });
    expect(capVolume(0.2, room ?? { max_volume: 1, night_max_volume: 1 }, false).clamped).toBe(false);
  });

  it("ramps volume in steps that end exactly at the target", () => {
    expect(volumeRamp(0.05, 0.3, 0.1)).toEqual([0.15, 0.25, 0.3]);
    expect(volumeRamp(0.3, 0.05, 0.1)).toEqual([0.2, 0.1, 0.05]);
  });

  it("plays nothing over someone's own music, while someone sleeps, or in a bedroom at night", () => {
    const player = { entity_id: "media_player.den", state: "idle", attributes: { volume_level: 0.2 } };
    const soundscape = { media_content_id: "rain.mp3", media_content_type: "music" };
    const base = {
      player,
      soundscape,
      room: roomOf(),
      settings,
      night: false,
      someoneAsleep: false,
    };
    expect(startSound(base).calls.map((c) => c.service)).toEqual(["volume_set", "play_media"]);
    expect(startSound({ ...base, player: { ...player, state: "playing" } }).skipped).toMatch(
      /already playing/,
    );
    expect(startSound({ ...base, someoneAsleep: true }).skipped).toMatch(/asleep/);
    expect(startSound({ ...base, room: { ...base.room, bedroom: true }, night: true }).skipped).toBe(
      "bedroom at night",
    );
  });

  it("knows night hours across midnight in the home's zone", () => {
    const night = { after: "22:00", before: "07:00" };
    expect(isNight(Date.parse("2026-11-27T23:30:00+01:00"), "Europe/Berlin", night)).toBe(true);
    expect(isNight(Date.parse("2026-11-27T06:30:00+01:00"), "Europe/Berlin", night)).toBe(true);
    expect(isNight(Date.parse("2026-11-27T19:30:00+01:00"), "Europe/Berlin", night)).toBe(false);
  });
});
