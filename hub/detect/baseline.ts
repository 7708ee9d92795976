import { z } from "zod";
import type { BaselineConfig } from "../config/index.js";
import { type DayPart, dayPart } from "./day-part.js";

/** The signals a baseline is kept for. */
export const MetricSchema = z.enum(["hr", "rmssd", "sdnn", "eda", "resp", "skin_temp"]);
export type Metric = z.infer<typeof MetricSchema>;

export interface BaselineStat {
  median: number;
  /** Robust spread: 1.4826 x MAD (a standard deviation for normal data), never below the metric's floor. */
  spread: number;
  /** Minute aggregates behind it. */
  minutes: number;
  /** Whether the day-part baseline was used, or all parts pooled because the part had too little data. */
  scope: DayPart | "all";
}

const BucketSchema = z.strictObject({
  /** Medians of whole minutes, oldest first. */
  minutes: z.array(z.number()),
  /** The minute still being filled: its start (epoch ms) and values. */
  open_minute: z.number().nullable(),
  open_values: z.array(z.number()),
});
type Bucket = z.infer<typeof BucketSchema>;

export const BaselineJsonSchema = z.strictObject({
  version: z.literal(1),
  /** Keyed "source|metric|part", part being a day part or "all". */
  buckets: z.record(z.string(), BucketSchema),
});
export type BaselineJson = z.infer<typeof BaselineJsonSchema>;

const MINUTE = 60_000;

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  const hi = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

/**
 * One person's baseline, per source, per metric and per day part, plus a pooled one across parts.
 *
 * Readings are first reduced to one median per minute, so a 1 Hz sensor and a once-a-minute watch weigh the
 * same per unit of time and a burst of bad readings within a minute cannot move it; the baseline is then
 * the median of the last `window_minutes` minute-medians with MAD as spread, which an episode of a few
 * minutes hardly moves.
 */
export class Baseline {
  private readonly config: BaselineConfig;
  private readonly buckets = new Map<string, Bucket>();
  // Stats are recomputed only when a minute closes, not on every read.
  private readonly cache = new Map<string, { median: number; mad: number; minutes: number }>();

  constructor(config: BaselineConfig) {
    this.config = config;
  }

  add(source: string, metric: Metric, value: number, at: number): void {
    if (!Number.isFinite(value)) return;
    const part = dayPart(at, this.config.time_zone);
    this.addTo(`${source}|${metric}|${part}`, value, at);
    this.addTo(`${source}|${metric}|all`, value, at);
  }

  /** The day-part baseline when it has enough data, else the pooled one when that has, else undefined. */
  get(source: string, metric: Metric, at: number): BaselineStat | undefined {
    const part = dayPart(at, this.config.time_zone);
    for (const scope of [part, "all"] as const) {
      const s = this.stats(`${source}|${metric}|${scope}`);
      if (s && s.minutes >= this.config.min_minutes) {
        const floor = this.config.spread_floor[metric];
        return { median: s.median, spread: Math.max(1.4826 * s.mad, floor), minutes: s.minutes, scope };
      }
    }
    return undefined;
  }

  /** Enough data for this metric from this source (in any day part). */
  ready(source: string, metric: Metric, at: number): boolean {
    return this.get(source, metric, at) !== undefined;
  }

  toJSON(): BaselineJson {
    const buckets: Record<string, Bucket> = {};
    for (const [k, b] of this.buckets) {
      buckets[k] = { minutes: [...b.minutes], open_minute: b.open_minute, open_values: [...b.open_values] };
    }
    return { version: 1, buckets };
  }

  static fromJSON(json: unknown, config: BaselineConfig): Baseline {
    const parsed = BaselineJsonSchema.parse(json);
    const b = new Baseline(config);
    for (const [k, bucket] of Object.entries(parsed.buckets)) {
      b.buckets.set(k, {
        minutes: bucket.minutes.slice(-config.window_minutes),
        open_minute: bucket.open_minute,
        open_values: [...bucket.open_values],
      });
    }
    return b;
  }

  private addTo(key: string, value: number, at: number): void {
    let b = this.buckets.get(key);
    if (!b) {
      b = { minutes: [], open_minute: null, open_values: [] };
      this.buckets.set(key, b);
    }
    const minute = Math.floor(at / MINUTE) * MINUTE;
    if (b.open_minute !== null && minute !== b.open_minute) this.close(key, b);
    if (b.open_minute === null) b.open_minute = minute;
    b.open_values.push(value);
  }

  private close(key: string, b: Bucket): void {
    if (b.open_values.length > 0) {
      b.minutes.push(median([...b.open_values].sort((x, y) => x - y)));
      if (b.minutes.length > this.config.window_minutes)
        b.minutes.splice(0, b.minutes.length - this.config.window_minutes);
    }
    b.open_minute = null;
    b.open_values = [];
    this.cache.delete(key);
  }

  private stats(key: string): { median: number; mad: number; minutes: number } | undefined {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const b = this.buckets.get(key);
    if (!b || b.minutes.length === 0) return undefined;
    const sorted = [...b.minutes].sort((x, y) => x - y);
    const m = median(sorted);
    const mad = median(sorted.map((v) => Math.abs(v - m)).sort((x, y) => x - y));
    const s = { median: m, mad, minutes: sorted.length };
    this.cache.set(key, s);
    return s;
  }
}
