import { z } from "zod";
import type { EpisodeConfig, Recipe, RoomConfig } from "../config/index.js";
import { inWindow, localTime, parseHhmm } from "../core/index.js";

/** A Home Assistant call an episode wants made (pure data). */
export interface HaCall {
  domain: string;
  service: string;
  target?: { entity_id: string | string[] };
  data?: Record<string, unknown>;
}

export const EntitySnapshotSchema = z.object({
  entity_id: z.string(),
  state: z.string(),
  attributes: z.record(z.string(), z.unknown()),
});
export type EntitySnapshot = z.infer<typeof EntitySnapshotSchema>;

export function isNight(now: number, timeZone: string, night: { after: string; before: string }): boolean {
  return inWindow(localTime(now, timeZone).minutes, parseHhmm(night.after), parseHhmm(night.before));
}

export interface VolumeDecision {
  volume: number;
  cap: number;
  clamped: boolean;
}

/** The room's cap for the time of day wins over whatever a rule or request asks for. */
export function capVolume(
  requested: number,
  room: Pick<RoomConfig, "max_volume" | "night_max_volume">,
  night: boolean,
): VolumeDecision {
  const cap = night ? Math.min(room.night_max_volume, room.max_volume) : room.max_volume;
  const volume = Math.max(0, Math.min(requested, cap));
  return { volume: round2(volume), cap, clamped: requested > cap };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/** Volume steps from `from` to `to`, excluding `from` and ending exactly at `to`. */
export function volumeRamp(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  const dir = to >= from ? 1 : -1;
  let v = from;
  for (let i = 0; i < 200; i++) {
    v = round2(v + dir * step);
    if ((dir > 0 && v >= to) || (dir < 0 && v <= to)) break;
    out.push(v);
  }
  out.push(round2(to));
  return out;
}

/** `light.hall` → `light`. */
export function domainOf(entityId: string): string {
  const dot = entityId.indexOf(".");
  return dot < 0 ? "" : entityId.slice(0, dot);
}

/**
 * Whether a call may go out: every entity it targets belongs to the service's own domain. A lease holds
 * lights and a speaker side by side; this keeps `light.turn_off` away from the speaker whatever a plan does.
 */
export function callFitsTargets(call: HaCall): boolean {
  const ids = call.target?.entity_id;
  if (ids === undefined) return true;
  return (Array.isArray(ids) ? ids : [ids]).every((id) => domainOf(id) === call.domain);
}

/** A percentage of full brightness on HA's 0-255 scale, rounded down so that it never comes out brighter. */
export function brightnessOf(pct: number): number {
  return Math.floor((Math.max(0, Math.min(100, pct)) * 255) / 100 + 1e-9);
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** The episode settings with a recipe's light in place of the defaults ("unchanged" is handled by the caller). */
export function recipeLightSettings(base: EpisodeConfig, recipe: Recipe | undefined): EpisodeConfig {
  if (!recipe || recipe.light === "unchanged") return base;
  return {
    ...base,
    brightness_pct: recipe.light.brightness_pct ?? base.brightness_pct,
    color_temp_kelvin: recipe.light.color_temp_kelvin ?? base.color_temp_kelvin,
  };
}

export interface CalmLightPlan {
  calls: HaCall[];
  /** Lights the episode now holds a lease on (and will give back). */
  leased: string[];
}

/**
 * Eases each light toward the calm setting without ever making it brighter or cooler than it was, and
 * without switching on a light that is off (unless configured), so that nothing flashes in a dark room.
 */
export function calmLights(
  snapshots: readonly EntitySnapshot[],
  settings: EpisodeConfig,
  night: boolean,
): CalmLightPlan {
  const calls: HaCall[] = [];
  const leased: string[] = [];
  const targetPct = night
    ? Math.min(settings.night_brightness_pct, settings.brightness_pct)
    : settings.brightness_pct;
  for (const snap of snapshots) {
    if (domainOf(snap.entity_id) !== "light") continue;
    if (snap.state === "unavailable" || snap.state === "unknown") continue;
    const on = snap.state === "on";
    if (!on && !settings.turn_on_dark_lights) continue;
    const current = on ? num(snap.attributes.brightness) : undefined;
    const pct = on ? targetPct : Math.min(targetPct, settings.night_brightness_pct);
    // HA's own 0-255 value, compared with the light's: a percentage rounds (60/255 is 23.5 %, sent as 24 %,
    // comes back as 61), and the calm setting may never be brighter than the light already was.
    const data: Record<string, unknown> = {
      brightness: Math.max(
        1,
        current === undefined ? brightnessOf(pct) : Math.min(current, brightnessOf(pct)),
      ),
      transition: settings.transition_s,
    };
    const modes = snap.attributes.supported_color_modes;
    if (Array.isArray(modes) && modes.includes("color_temp")) {
      const kelvin = num(snap.attributes.color_temp_kelvin);
      data.color_temp_kelvin =
        kelvin === undefined ? settings.color_temp_kelvin : Math.min(kelvin, settings.color_temp_kelvin);
    }
    calls.push({ domain: "light", service: "turn_on", target: { entity_id: snap.entity_id }, data });
    leased.push(snap.entity_id);
  }
  return { calls, leased };
}

/** Gives lights back exactly as they were, skipping those a person took over by hand. */
export function restoreLights(
  snapshots: readonly EntitySnapshot[],
  leased: ReadonlySet<string>,
  overridden: ReadonlySet<string>,
  transitionS: number,
): HaCall[] {
  const calls: HaCall[] = [];
  for (const snap of snapshots) {
    // The lease holds the speaker too; it is given back by stopSound, never with a light service.
    if (domainOf(snap.entity_id) !== "light") continue;
    if (!leased.has(snap.entity_id) || overridden.has(snap.entity_id)) continue;
    if (snap.state !== "on") {
      calls.push({
        domain: "light",
        service: "turn_off",
        target: { entity_id: snap.entity_id },
        data: { transition: transitionS },
      });
      continue;
    }
    const data: Record<string, unknown> = { transition: transitionS };
    const brightness = num(snap.attributes.brightness);
    if (brightness !== undefined) data.brightness = brightness;
    const mode = snap.attributes.color_mode;
    const kelvin = num(snap.attributes.color_temp_kelvin);
    if (mode === "color_temp" && kelvin !== undefined) data.color_temp_kelvin = kelvin;
    else if (Array.isArray(snap.attributes.xy_color) && (mode === "xy" || mode === "hs" || mode === "rgb"))
      data.xy_color = snap.attributes.xy_color;
    calls.push({ domain: "light", service: "turn_on", target: { entity_id: snap.entity_id }, data });
  }
  return calls;
}

export interface SoundPlan {
  /** Why nothing plays, when nothing does. */
  skipped?: string;
  calls: HaCall[];
  ramp: number[];
  volume: VolumeDecision | undefined;
}

/**
 * Starts a soundscape from silence and ramps it up to the capped volume. Nothing plays over a person's own
 * music, in a bedroom at night, or where someone is asleep.
 */
export function startSound(input: {
  player: EntitySnapshot | undefined;
  soundscape: { media_content_id: string; media_content_type: string } | undefined;
  room: RoomConfig;
  settings: EpisodeConfig;
  night: boolean;
  someoneAsleep: boolean;
}): SoundPlan {
  const { player, soundscape, room, settings, night } = input;
  if (!soundscape) return { skipped: "no soundscape chosen", calls: [], ramp: [], volume: undefined };
  if (!player) return { skipped: "no speaker in this room", calls: [], ramp: [], volume: undefined };
  if (input.someoneAsleep)
    return { skipped: "someone here is asleep", calls: [], ramp: [], volume: undefined };
  if (room.bedroom && night) return { skipped: "bedroom at night", calls: [], ramp: [], volume: undefined };
  if (player.state === "playing")
    return { skipped: "the speaker is already playing something", calls: [], ramp: [], volume: undefined };
  if (player.state === "unavailable")
    return { skipped: "the speaker is unavailable", calls: [], ramp: [], volume: undefined };
  const volume = capVolume(settings.volume, room, night);
  const first = Math.min(settings.volume_step, volume.volume);
  const id = { entity_id: player.entity_id };
  return {
    calls: [
      { domain: "media_player", service: "volume_set", target: id, data: { volume_level: first } },
      {
        domain: "media_player",
        service: "play_media",
        target: id,
        data: {
          media_content_id: soundscape.media_content_id,
          media_content_type: soundscape.media_content_type,
        },
      },
    ],
    ramp: volume.volume > first ? volumeRamp(first, volume.volume, settings.volume_step) : [],
    volume,
  };
}

/** Fades the soundscape out and puts the speaker back to its earlier volume. */
export function stopSound(
  player: EntitySnapshot,
  currentVolume: number | undefined,
  step: number,
): { fade: number[]; calls: HaCall[] } {
  const id = { entity_id: player.entity_id };
  const fade =
    currentVolume !== undefined && currentVolume > step ? volumeRamp(currentVolume, step, step) : [];
  const calls: HaCall[] = [{ domain: "media_player", service: "media_stop", target: id }];
  const before = num(player.attributes.volume_level);
  if (before !== undefined)
    calls.push({ domain: "media_player", service: "volume_set", target: id, data: { volume_level: before } });
  return { fade, calls };
}
