/**
 * A Home Assistant sensor as a wearable source, e.g. the Wear OS companion's
 * `sensor.<watch>_heart_rate`. Input: an HA state object
 * `{ entity_id, state, attributes: { unit_of_measurement?, accuracy?, date? }, last_changed,
 *    last_updated?, last_reported? }` (the adapter also unwraps a `state_changed` event's
 * `data.new_state`). The metric (hr | stress | rmssd | resp | skin_temp | eda) is chosen by the caller
 * ({@link sampleFromHaState}, {@link createHaEntityAdapter}); the registry's default adapter infers it
 * from the unit and entity id.
 *
 * Measurement time: `attributes.date` (Health Connect's sample time) if present, else
 * `last_reported`, `last_updated`, `last_changed` — the first that is present.
 *
 * `accuracy` (Android sensor status, as number or name) becomes quality:
 * high/3 → 1, medium/2 → 0.7, low/1 → 0.4, unreliable/0 → 0.1, no_contact/-1 → 0; unknown → 0.5.
 */
import { z } from "zod";
import type { AdapterContext, ParseResult, WearableAdapter } from "../../hub/core/sample.js";
import {
  buildSample,
  type Decoded,
  parseJsonPayload,
  parseTimestamp,
  parseWith,
  reject,
  single,
} from "./checks.js";

export const HA_METRICS = ["hr", "stress", "rmssd", "resp", "skin_temp", "eda"] as const;
export type HaMetric = (typeof HA_METRICS)[number];
export const HaMetricSchema = z.enum(HA_METRICS);

export const HaStateSchema = z.object({
  entity_id: z.string().regex(/^[a-z0-9_]+\.[a-z0-9_]+$/, "not an entity id"),
  state: z.string().max(255),
  attributes: z
    .object({
      unit_of_measurement: z.string().nullish(),
      accuracy: z.union([z.number(), z.string()]).nullish(),
      date: z.string().nullish(),
      device_class: z.string().nullish(),
    })
    .default({}),
  last_changed: z.string().optional(),
  last_updated: z.string().optional(),
  last_reported: z.string().optional(),
});
export type HaState = z.input<typeof HaStateSchema>;

const StateChangedSchema = z.object({
  event_type: z.literal("state_changed"),
  data: z.object({ new_state: z.unknown() }),
});

export interface HaSampleOptions {
  person: string;
  metric: HaMetric;
  received_at: number;
}

/** Accepted units per metric, lower-cased; a missing unit is accepted. Values are converted to the
 * Sample's unit. */
const UNITS: Record<HaMetric, Record<string, (v: number) => number>> = {
  hr: { bpm: id, "beats/min": id, "count/min": id, "1/min": id },
  // "level": the Garmin Connect integration's stress sensors (0-100, Garmin's own scale).
  stress: { "": id, "%": id, level: id },
  rmssd: { ms: id },
  resp: { "breaths/min": id, brpm: id, bpm: id, "count/min": id, "1/min": id, rpm: id },
  skin_temp: { "°c": id, c: id, "°f": (f) => ((f - 32) * 5) / 9, f: (f) => ((f - 32) * 5) / 9 },
  eda: { µs: id, μs: id, us: id },
};
function id(v: number): number {
  return v;
}

const ACCURACY: Record<string, number> = {
  high: 1,
  "3": 1,
  medium: 0.7,
  "2": 0.7,
  low: 0.4,
  "1": 0.4,
  unreliable: 0.1,
  "0": 0.1,
  no_contact: 0,
  "-1": 0,
};

export function qualityFromAccuracy(accuracy: number | string | null | undefined): number {
  if (accuracy === null || accuracy === undefined) return 1;
  const key = String(accuracy).trim().toLowerCase();
  return Object.hasOwn(ACCURACY, key) ? (ACCURACY[key] ?? 0.5) : 0.5;
}

/** Normalizes one HA state object (unknown input, zod-parsed) into a Sample of the given metric. */
export function sampleFromHaState(state: unknown, opts: HaSampleOptions): ParseResult {
  const parsed = parseWith(HaStateSchema, state);
  if (!parsed.ok) return parsed;
  const s = parsed.value;
  if (s.state === "unavailable" || s.state === "unknown" || s.state === "")
    return reject("no_measurement", `${s.entity_id} is ${s.state === "" ? "empty" : s.state}`);
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s.state.trim()))
    return reject("invalid_payload", `${s.entity_id}: state "${s.state.slice(0, 40)}" is not a number`);
  const raw = Number(s.state);
  const unit = (s.attributes.unit_of_measurement ?? "").trim().toLowerCase();
  const table = UNITS[opts.metric];
  const convert = Object.hasOwn(table, unit) ? table[unit] : unit === "" ? id : undefined;
  if (!convert)
    return reject("invalid_payload", `${s.entity_id}: unit "${unit}" does not fit metric ${opts.metric}`);
  const time = s.attributes.date ?? s.last_reported ?? s.last_updated ?? s.last_changed;
  let measured_at = opts.received_at;
  if (time) {
    const t = parseTimestamp(time);
    if (t === undefined) return reject("invalid_payload", `${s.entity_id}: bad time ${time}`);
    measured_at = t;
  }
  const ctx: AdapterContext = { person: opts.person, topic: s.entity_id, received_at: opts.received_at };
  return single(
    buildSample(
      ctx,
      { measured_at, source: `ha:${s.entity_id}`, quality: qualityFromAccuracy(s.attributes.accuracy) },
      { [opts.metric]: convert(raw) },
    ),
  );
}

/** Guesses the metric of an HA sensor from its unit, device class and entity id. */
export function inferHaMetric(state: z.output<typeof HaStateSchema>): HaMetric | undefined {
  const unit = (state.attributes.unit_of_measurement ?? "").trim().toLowerCase();
  const ent = state.entity_id.toLowerCase();
  if (/stress/.test(ent)) return "stress";
  if (/rmssd|hrv|heart_rate_variability/.test(ent) && unit === "ms") return "rmssd";
  if (/resp|breath/.test(ent)) return "resp";
  if (/heart_rate|_hr$|pulse/.test(ent) || unit === "bpm" || unit === "beats/min") return "hr";
  if (/eda|skin_conductance|gsr/.test(ent) || unit === "µs" || unit === "μs") return "eda";
  if (/skin_temp/.test(ent) && (unit === "°c" || unit === "°f")) return "skin_temp";
  return undefined;
}

function unwrap(v: unknown): unknown {
  const ev = StateChangedSchema.safeParse(v);
  return ev.success ? ev.data.data.new_state : v;
}

function parseHaJson(payload: Uint8Array | string): Decoded<unknown> {
  const json = parseJsonPayload(payload);
  if (!json.ok) return json;
  const inner = unwrap(json.value);
  if (inner === null) return reject("no_measurement", "entity was removed (new_state is null)");
  return { ok: true, value: inner };
}

/** An adapter for one HA sensor whose metric is known. */
export function createHaEntityAdapter(metric: HaMetric, format = `ha-entity:${metric}`): WearableAdapter {
  HaMetricSchema.parse(metric);
  return {
    format,
    parse(payload, ctx) {
      const v = parseHaJson(payload);
      if (!v.ok) return v;
      return sampleFromHaState(v.value, { person: ctx.person, metric, received_at: ctx.received_at });
    },
  };
}

/** Registry default: the metric is inferred from the entity ({@link inferHaMetric}). */
export const haEntityAdapter: WearableAdapter = {
  format: "ha-entity",
  parse(payload, ctx) {
    const v = parseHaJson(payload);
    if (!v.ok) return v;
    const state = parseWith(HaStateSchema, v.value);
    if (!state.ok) return state;
    const metric = inferHaMetric(state.value);
    if (!metric) return reject("invalid_payload", `${state.value.entity_id}: cannot tell which metric it is`);
    return sampleFromHaState(v.value, { person: ctx.person, metric, received_at: ctx.received_at });
  },
};
