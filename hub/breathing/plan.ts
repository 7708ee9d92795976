import type { BreathingConfig } from "../config/index.js";

/** Pace settings the planner needs (the `breathing:` config section). */
export type PaceSettings = Pick<
  BreathingConfig,
  | "target_bpm"
  | "default_start_bpm"
  | "max_start_bpm"
  | "step_bpm"
  | "breaths_per_step"
  | "gentle_step_bpm"
  | "gentle_breaths_per_step"
  | "follow_tolerance_bpm"
>;

/** The person's latest readings that matter here, already filtered for age by the caller. */
export interface BreathReading {
  /** Breaths per minute. */
  resp?: number | undefined;
  /** Heart rate, bpm. */
  hr?: number | undefined;
}

export type PaceSource = "respiration" | "heart_rate" | "default";

export interface PaceState {
  from_bpm: number;
  pace_bpm: number;
  target_bpm: number;
  source: PaceSource;
  /** Breaths completed at the current pace. */
  breaths_at_pace: number;
  /** Heart rate when the current pace began: without respiration, following means it does not climb. */
  hr_at_step: number | null;
  following: boolean | null;
}

// Resting breathing runs at roughly a quarter of the heart rate (the cardio-respiratory ratio is about 4:1),
// close enough to pick a first pace the person can match without strain.
const HR_PER_BREATH = 4;
/** Heart rate may wander this much at one pace and still count as "not climbing". */
const HR_SLACK_BPM = 2;

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
/** Quarter breaths: fine enough to slow gently, coarse enough that the pace is no copy of a reading. */
const quarter = (v: number): number => Math.round(v * 4) / 4;

/** The first pace: the person's own breathing, else one derived from heart rate, else the default. */
export function startPace(reading: BreathReading, s: PaceSettings): PaceState {
  let source: PaceSource = "default";
  let raw = s.default_start_bpm;
  if (reading.resp !== undefined && Number.isFinite(reading.resp) && reading.resp > 0) {
    source = "respiration";
    raw = reading.resp;
  } else if (reading.hr !== undefined && Number.isFinite(reading.hr) && reading.hr > 0) {
    source = "heart_rate";
    raw = reading.hr / HR_PER_BREATH;
  }
  const from = quarter(clamp(raw, s.target_bpm, s.max_start_bpm));
  return {
    from_bpm: from,
    pace_bpm: from,
    target_bpm: s.target_bpm,
    source,
    breaths_at_pace: 0,
    hr_at_step: reading.hr ?? null,
    following: null,
  };
}

/**
 * Whether the person follows the pace: breathing no faster than the pace plus the tolerance; without
 * respiration, a heart rate that does not climb since the pace began. Null when nothing is known.
 */
export function isFollowing(state: PaceState, reading: BreathReading, s: PaceSettings): boolean | null {
  if (reading.resp !== undefined) return reading.resp <= state.pace_bpm + s.follow_tolerance_bpm;
  if (reading.hr !== undefined && state.hr_at_step !== null)
    return reading.hr <= state.hr_at_step + HR_SLACK_BPM;
  return null;
}

/**
 * One breath done: the pace steps down after `breaths_per_step` breaths while the person follows. When they
 * do not, it holds the pace longer and then takes a smaller step, so nobody is pushed into air hunger.
 */
export function afterBreath(state: PaceState, reading: BreathReading, s: PaceSettings): PaceState {
  const following = isFollowing(state, reading, s);
  const breaths = state.breaths_at_pace + 1;
  const behind = following === false;
  const hold = behind ? s.gentle_breaths_per_step : s.breaths_per_step;
  if (breaths < hold || state.pace_bpm <= state.target_bpm)
    return { ...state, breaths_at_pace: breaths, following };
  const step = behind ? s.gentle_step_bpm : s.step_bpm;
  return {
    ...state,
    pace_bpm: Math.max(state.target_bpm, quarter(state.pace_bpm - step)),
    breaths_at_pace: 0,
    hr_at_step: reading.hr ?? state.hr_at_step,
    following,
  };
}

/** Seconds of one inhale (and of one exhale) at this pace. */
export function halfBreathS(paceBpm: number): number {
  return Math.round((30 / paceBpm) * 10) / 10;
}

export interface LightRange {
  /** HA brightness (1-255) at the top of an inhale: the calm brightness the light had. */
  high: number;
  /** At the bottom of an exhale. */
  low: number;
}

/**
 * How far the light moves: down by `depth_pct` of its calm brightness on each exhale, never faster than the
 * cap allows over one half-breath, never off, never brighter than it was when the guide began.
 */
export function lightRange(
  base: number,
  paceBpm: number,
  s: { depth_pct: number; max_change_pct_per_s: number },
): LightRange {
  const high = clamp(Math.round(base), 1, 255);
  const capped = ((s.max_change_pct_per_s * 255) / 100) * halfBreathS(paceBpm);
  const swing = Math.min((high * s.depth_pct) / 100, capped);
  return { high, low: Math.max(1, Math.round(high - swing)) };
}

/** Volume at the top and bottom of a breath: the soundscape's level, dipping by `depth` on each exhale. */
export function volumeRange(base: number, depth: number): { high: number; low: number } {
  const high = Math.round(clamp(base, 0, 1) * 100) / 100;
  return { high, low: Math.round(Math.max(0, high - depth) * 100) / 100 };
}

/** The call for one half-breath: brighter (or louder) on the inhale, dimmer on the exhale, over its length. */
export function halfBreathCall(
  medium:
    | { kind: "light"; entity_id: string; range: LightRange }
    | { kind: "volume"; entity_id: string; range: { high: number; low: number } },
  phase: "in" | "out",
  paceBpm: number,
): { domain: string; service: string; target: { entity_id: string }; data: Record<string, unknown> } {
  const value = phase === "in" ? medium.range.high : medium.range.low;
  if (medium.kind === "light")
    return {
      domain: "light",
      service: "turn_on",
      target: { entity_id: medium.entity_id },
      // One call per half-breath: the light's own transition does the smooth part.
      data: { brightness: value, transition: halfBreathS(paceBpm) },
    };
  return {
    domain: "media_player",
    service: "volume_set",
    target: { entity_id: medium.entity_id },
    data: { volume_level: value },
  };
}
