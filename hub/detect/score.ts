import type { DetectorConfig } from "../config/index.js";
import type { BaselineStat, Metric } from "./baseline.js";

/** A signal that can push the score up, with the direction in which it means stress. */
export type Signal = "hr" | "hrv" | "eda" | "resp" | "skin_temp" | "vendor" | "rise";

export interface Contribution {
  signal: Signal;
  /** 0-100: how strongly this signal says "stressed". */
  score: number;
  weight: number;
}

/** Stress shows as heart rate, skin conductance and breathing up, HRV and skin temperature down. */
const DIRECTION: Record<Metric, 1 | -1> = { hr: 1, rmssd: -1, sdnn: -1, eda: 1, resp: 1, skin_temp: -1 };

export function signalOf(metric: Metric): Exclude<Signal, "vendor" | "rise"> {
  return metric === "rmssd" || metric === "sdnn" ? "hrv" : metric;
}

/** Maps a deviation from the personal baseline onto 0-100, linear between z_start and z_full. */
export function deviationScore(
  metric: Metric,
  value: number,
  base: BaselineStat,
  config: DetectorConfig,
): number {
  const z = (DIRECTION[metric] * (value - base.median)) / base.spread;
  return clamp01((z - config.z_start) / (config.z_full - config.z_start)) * 100;
}

/** The conservative score used before a baseline exists: only a clearly raised heart rate counts. */
export function fallbackHrScore(hr: number, config: DetectorConfig): number {
  return (
    clamp01((hr - config.fallback_hr_start) / (config.fallback_hr_full - config.fallback_hr_start)) * 100
  );
}

/**
 * Weighted mean of the contributions, pulled towards the strongest one: a single clear signal (heart rate
 * well up) should count even when a slow one (skin temperature) says nothing yet.
 */
export function fuse(contributions: readonly Contribution[]): number | undefined {
  let wsum = 0;
  let sum = 0;
  let max = 0;
  for (const c of contributions) {
    if (c.weight <= 0) continue;
    wsum += c.weight;
    sum += c.weight * c.score;
    max = Math.max(max, c.score);
  }
  if (wsum === 0) return undefined;
  return 0.5 * (sum / wsum) + 0.5 * max;
}

export function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
