/**
 * Apple Watch / Apple Health through the Health Auto Export app (REST body or MQTT message, JSON):
 * `{ "data": { "metrics": [ { name, units, data: [ { date, qty | Min/Avg/Max, source? } ] } ], ... } }`
 * with dates as `yyyy-MM-dd HH:mm:ss Z` (e.g. `2026-11-27 08:15:00 +0100`).
 *
 * Mapping: `heart_rate` Avg (or `qty`) → hr; `heart_rate_variability` (Apple's HRV is SDNN) → sdnn;
 * `respiratory_rate` → resp; `step_count` → steps. Other metrics (resting_heart_rate, sleep_analysis,
 * workouts, …) are ignored: a daily resting rate is not an instantaneous heart rate. Readings are merged
 * into one Sample per timestamp, oldest first. A single implausible reading inside a batch is dropped
 * (the rest of the batch is kept); the batch is refused only when nothing usable is left.
 */
import { z } from "zod";
import type { AdapterContext, ParseResult, Sample, WearableAdapter } from "../../hub/core/sample.js";
import {
  buildSample,
  type Measurements,
  parseJsonPayload,
  parseTimestamp,
  parseWith,
  type Rejection,
  reject,
} from "./checks.js";

/** Exports batch many readings; accept up to 1 MiB (a day of per-minute heart rate fits). */
export const HAE_MAX_PAYLOAD_BYTES = 1024 * 1024;
export const HAE_SOURCE = "health-auto-export";

const num = z.number().refine(Number.isFinite, "must be finite");

export const HaeDataPointSchema = z.object({
  date: z.string().min(1).max(64),
  qty: num.optional(),
  Min: num.optional(),
  Avg: num.optional(),
  Max: num.optional(),
  source: z.string().max(256).optional(),
});

export const HaeMetricSchema = z.object({
  name: z.string().min(1),
  units: z.string().optional(),
  data: z.array(z.unknown()),
});

export const HaePayloadSchema = z.object({
  data: z.object({
    metrics: z.array(HaeMetricSchema),
    workouts: z.array(z.unknown()).optional(),
  }),
});
export type HaePayload = z.input<typeof HaePayloadSchema>;

type Target = "hr" | "sdnn" | "resp" | "steps";

interface MetricMap {
  target: Target;
  /** accepted `units` values (lower case); missing units are accepted */
  units: readonly string[];
  /** which field of a data point holds the value */
  value: (p: z.output<typeof HaeDataPointSchema>) => number | undefined;
}

const qty = (p: z.output<typeof HaeDataPointSchema>): number | undefined => p.qty;

export const HAE_METRICS: Readonly<Record<string, MetricMap>> = {
  heart_rate: { target: "hr", units: ["count/min", "bpm"], value: (p) => p.Avg ?? p.qty },
  heart_rate_variability: { target: "sdnn", units: ["ms"], value: qty },
  respiratory_rate: { target: "resp", units: ["count/min", "breaths/min"], value: qty },
  step_count: { target: "steps", units: ["count", "steps"], value: qty },
};

export function parseHealthAutoExport(payload: Uint8Array | string, ctx: AdapterContext): ParseResult {
  const json = parseJsonPayload(payload, HAE_MAX_PAYLOAD_BYTES);
  if (!json.ok) return json;
  const parsed = parseWith(HaePayloadSchema, json.value);
  if (!parsed.ok) return parsed;

  const byTime = new Map<number, Measurements>();
  let dropped: Rejection | undefined;
  let seen = 0;
  for (const metric of parsed.value.data.metrics) {
    const map = HAE_METRICS[metric.name];
    if (!map) continue;
    const units = metric.units?.toLowerCase();
    if (units !== undefined && !map.units.includes(units))
      return reject("invalid_payload", `${metric.name}: unexpected units "${metric.units}"`);
    for (const [i, rawPoint] of metric.data.entries()) {
      const point = parseWith(HaeDataPointSchema, rawPoint);
      if (!point.ok) return reject("invalid_payload", `${metric.name}.data[${i}]: ${point.detail}`);
      const t = parseTimestamp(point.value.date);
      if (t === undefined)
        return reject(
          "invalid_payload",
          `${metric.name}.data[${i}].date: not a valid date (${point.value.date})`,
        );
      const v = map.value(point.value);
      if (v === undefined) continue;
      seen++;
      // Range-check this reading alone so one bad value does not sink the batch.
      const alone = buildSample(ctx, { measured_at: t, source: HAE_SOURCE }, { [map.target]: v });
      if (!alone.ok) {
        dropped = alone;
        continue;
      }
      byTime.set(t, { ...byTime.get(t), [map.target]: v });
    }
  }

  const samples: Sample[] = [];
  for (const t of [...byTime.keys()].sort((a, b) => a - b)) {
    const s = buildSample(ctx, { measured_at: t, source: HAE_SOURCE }, byTime.get(t) ?? {});
    if (s.ok) samples.push(s.value);
  }
  if (samples.length === 0) {
    if (dropped) return dropped;
    return reject("no_measurement", seen === 0 ? "no supported metric with values" : "no usable reading");
  }
  return { ok: true, samples };
}

export const healthAutoExportAdapter: WearableAdapter = {
  format: "health-auto-export",
  parse: parseHealthAutoExport,
};
