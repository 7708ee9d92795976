import type { Expectation, KeyExpectation, ReportedState } from "./decide.js";

export interface CommandedCall {
  domain: string;
  service: string;
  target?: { entity_id?: string | string[] } | Record<string, unknown>;
  data?: Record<string, unknown>;
}

/** After the transition, how long a device may take to report where it ended up (Zigbee polls, echoes). */
export const SETTLE_MARGIN_MS = 15_000;

/** Python's round(): ties go to the even neighbour, as HA converts `brightness_pct` (round(255 * pct / 100)). */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (Math.abs(diff - 0.5) > 1e-9) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

export function targetIds(call: CommandedCall): string[] {
  const raw = (call.target as { entity_id?: unknown } | undefined)?.entity_id ?? call.data?.entity_id;
  if (typeof raw === "string") return [raw];
  return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === "string") : [];
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** The values a call asks one entity to take, by compared key. Undefined: the call says nothing checkable. */
function commandedValues(call: CommandedCall): Record<string, unknown> | undefined {
  const d = call.data ?? {};
  const key = `${call.domain}.${call.service}`;
  switch (key) {
    case "light.turn_on": {
      const out: Record<string, unknown> = { state: "on" };
      const b =
        num(d.brightness) ??
        (num(d.brightness_pct) !== undefined
          ? roundHalfEven((255 * (d.brightness_pct as number)) / 100)
          : undefined);
      if (b !== undefined) {
        if (b <= 0) return { state: "off" };
        out.brightness = Math.min(255, b);
      }
      if (num(d.color_temp_kelvin) !== undefined) out.color_temp_kelvin = d.color_temp_kelvin;
      for (const k of ["hs_color", "xy_color", "rgb_color"]) if (Array.isArray(d[k])) out[k] = d[k];
      return out;
    }
    case "light.turn_off":
      return { state: "off" };
    case "media_player.play_media":
      return d.announce === true ? undefined : { state: "playing" };
    case "media_player.volume_set":
      return num(d.volume_level) !== undefined ? { volume_level: d.volume_level } : undefined;
    case "media_player.volume_mute":
      return typeof d.is_volume_muted === "boolean" ? { is_volume_muted: d.is_volume_muted } : undefined;
    case "media_player.media_stop":
      return { state: "idle" };
    case "media_player.media_pause":
      return { state: "paused" };
    case "media_player.turn_off":
      return { state: "off" };
    case "media_player.select_source":
      return typeof d.source === "string" ? { source: d.source } : undefined;
    default:
      return undefined;
  }
}

function fromValue(entityId: string, key: string, current: ReportedState | undefined): unknown {
  if (!current) return undefined;
  if (key === "state") return current.state;
  // A light fading up from off starts at zero brightness, whatever HA reports for an off light (null).
  if (entityId.startsWith("light.") && key === "brightness" && current.state !== "on") return 0;
  return current.attributes[key];
}

/**
 * Merges what `call` commands into an entity's expectation. Keys it does not mention keep their earlier target
 * (a volume step leaves "playing" expected). The band lasts the call's transition plus a margin.
 */
export function expect(
  entityId: string,
  call: CommandedCall,
  current: ReportedState | undefined,
  previous: Expectation | undefined,
  now: number,
): Expectation | undefined {
  const values = commandedValues(call);
  if (!values) return previous;
  const transitionMs = Math.max(0, num(call.data?.transition) ?? 0) * 1000;
  const next: Record<string, KeyExpectation> = { ...(previous ?? {}) };
  if (values.state === "off" && entityId.startsWith("light.")) {
    for (const k of ["brightness", "color_temp_kelvin", "hs_color", "xy_color", "rgb_color"]) delete next[k];
  }
  for (const [key, target] of Object.entries(values)) {
    // A step that follows one still under way keeps that one's ends, so late reports of either stay in the band.
    const earlier = next[key];
    const from = [fromValue(entityId, key, current)];
    if (earlier && now <= earlier.band_until) from.push(...earlier.from, earlier.target);
    next[key] = { target, from: from.slice(-8), band_until: now + transitionMs + SETTLE_MARGIN_MS };
  }
  return next;
}
