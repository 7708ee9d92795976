/**
 * Plausible ranges, inclusive: the one table that both the adapters (which refuse a reading outside as
 * `out_of_range`) and the detector (which ignores a channel outside) read, so a value can never pass one
 * and be silently dropped by the other. Outside means a sensor fault, not a physiological state.
 */
export const PLAUSIBLE_RANGES = {
  /** bpm: resting bradycardia to an untrained maximum with margin */
  hr: [25, 240],
  /** ms per beat interval: the same span as `hr` (60000/240 … 60000/24) */
  rr: [250, 2500],
  /** ms: 0 is a flat trace, not a heart */
  rmssd: [1, 500],
  /** ms */
  sdnn: [1, 500],
  /** µS */
  eda: [0, 100],
  /** breaths/min */
  resp: [3, 70],
  /** °C at the wrist: a cold walk home reads well below core temperature */
  skin_temp: [15, 45],
  /** vendor score */
  stress: [0, 100],
  /** count */
  steps: [0, 1_000_000],
} as const satisfies Record<string, readonly [number, number]>;

export type RangedMetric = keyof typeof PLAUSIBLE_RANGES;

/** The value when it is a finite number inside its metric's range, else undefined. */
export function plausible(metric: RangedMetric, v: number | undefined): number | undefined {
  if (v === undefined || !Number.isFinite(v)) return undefined;
  const [lo, hi] = PLAUSIBLE_RANGES[metric];
  return v >= lo && v <= hi ? v : undefined;
}
