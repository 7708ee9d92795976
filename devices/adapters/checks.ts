/**
 * Shared, pure helpers for the vendor adapters: payload decoding, timestamp parsing, plausible ranges
 * and the final assembly of a `Sample`. Freshness (future / too old) and duplicate checks are NOT done
 * here: the hub's ingest owns the clock and does those.
 */
import type { z } from "zod";
import { PLAUSIBLE_RANGES } from "../../hub/core/index.js";
import type { AdapterContext, ParseResult, RejectReason, Sample } from "../../hub/core/sample.js";

/** Default largest payload an adapter accepts, in bytes (checked before decoding or parsing). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export type Rejection = Extract<ParseResult, { ok: false }>;
export type Decoded<T> = { ok: true; value: T } | Rejection;

export function reject(reason: RejectReason, detail: string): Rejection {
  return { ok: false, reason, detail };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** UTF-8 byte length; a string longer (in UTF-16 units) than `cap` is reported without encoding it,
 * since every unit takes at least one byte. */
export function byteLength(payload: Uint8Array | string, cap = Number.POSITIVE_INFINITY): number {
  if (typeof payload !== "string") return payload.byteLength;
  if (payload.length > cap) return payload.length;
  return encoder.encode(payload).byteLength;
}

/** Size check, then UTF-8 decoding (invalid UTF-8 is treated as malformed JSON). */
export function decodeText(payload: Uint8Array | string, maxBytes = MAX_PAYLOAD_BYTES): Decoded<string> {
  const size = byteLength(payload, maxBytes);
  if (size > maxBytes) return reject("too_large", `payload is at least ${size} bytes, limit ${maxBytes}`);
  if (typeof payload === "string") return { ok: true, value: payload };
  try {
    return { ok: true, value: utf8.decode(payload) };
  } catch {
    return reject("malformed_json", "payload is not valid UTF-8");
  }
}

/** Size check, decode and `JSON.parse`; the result is `unknown` until a zod schema has seen it. */
export function parseJsonPayload(
  payload: Uint8Array | string,
  maxBytes = MAX_PAYLOAD_BYTES,
): Decoded<unknown> {
  const text = decodeText(payload, maxBytes);
  if (!text.ok) return text;
  try {
    return { ok: true, value: JSON.parse(text.value) as unknown };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return reject("malformed_json", `not JSON: ${msg.slice(0, 120)}`);
  }
}

/** Runs a zod schema; failures become `invalid_payload` with the first few issues as detail. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): Decoded<z.output<S>> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  return reject("invalid_payload", formatIssues(r.error.issues));
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}

// ---------------------------------------------------------------------------------------------------
// Timestamps

/** Numbers below this are epoch seconds, at or above it epoch milliseconds (1e11 s is year 5138; 1e11 ms
 * is March 1973, before any wearable). */
const SECONDS_CUTOFF = 1e11;

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export interface TimestampOptions {
  /** Treat a date-time without an offset as UTC (Garmin's `...GMT` fields). Default: reject it. */
  assumeUtc?: boolean;
}

/**
 * Epoch ms from: epoch milliseconds, epoch seconds (numbers below 1e11), numeric strings of either,
 * or ISO-8601 / RFC 3339 date-times with `T` or a space, optional fraction, and an offset
 * (`Z`, `+01:00`, `+0100`, `+01`; a space before it is allowed, as in Health Auto Export's
 * `yyyy-MM-dd HH:mm:ss Z`). Local times without an offset are ambiguous and rejected unless
 * `assumeUtc`. Returns undefined when the value is not a valid instant.
 */
export function parseTimestamp(value: unknown, opts: TimestampOptions = {}): number | undefined {
  if (typeof value === "number") return epochNumber(value);
  if (typeof value !== "string") return undefined;
  const s = value.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return epochNumber(Number(s));
  const m = ISO_RE.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, off] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = sec === undefined ? 0 : Number(sec);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const ms = frac === undefined ? 0 : Math.round(Number(`0.${frac}`) * 1000);
  const base = Date.UTC(year, month - 1, day, hour, minute, second) + ms;
  // Date.UTC rolls 31 February over to March; refuse instead.
  if (new Date(base).getUTCDate() !== day) return undefined;
  let offsetMin: number;
  if (off === undefined) {
    if (!opts.assumeUtc) return undefined;
    offsetMin = 0;
  } else if (off === "Z" || off === "z") {
    offsetMin = 0;
  } else {
    const sign = off.startsWith("-") ? -1 : 1;
    const digits = off.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 18 || om > 59) return undefined;
    offsetMin = sign * (oh * 60 + om);
  }
  return base - offsetMin * 60_000;
}

function epochNumber(n: number): number | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return n < SECONDS_CUTOFF ? Math.round(n * 1000) : Math.round(n);
}

// ---------------------------------------------------------------------------------------------------
// Ranges

/** Plausible ranges, inclusive (the hub's one table). Values outside are refused as `out_of_range`. */
export const RANGES = PLAUSIBLE_RANGES;

export type Metric = keyof typeof RANGES;
export type ScalarMetric = Exclude<Metric, "rr">;

/** Most RR intervals one sample may carry. */
export const MAX_RR = 300;

export const SCALAR_METRICS = [
  "hr",
  "rmssd",
  "sdnn",
  "eda",
  "resp",
  "skin_temp",
  "stress",
  "steps",
] as const satisfies readonly ScalarMetric[];

export function inRange(metric: Metric, v: number): boolean {
  const [lo, hi] = RANGES[metric];
  return Number.isFinite(v) && v >= lo && v <= hi;
}

/** The measurement fields of a Sample (everything but identity, times, source and quality). */
export type Measurements = Pick<
  Sample,
  "hr" | "rr" | "rmssd" | "sdnn" | "eda" | "resp" | "skin_temp" | "stress" | "sleep" | "activity" | "steps"
>;

/** Undefined when every present value is plausible, else a description of the first that is not. */
export function rangeProblem(m: Measurements): string | undefined {
  for (const key of SCALAR_METRICS) {
    const v = m[key];
    if (v !== undefined && !inRange(key, v)) {
      const [lo, hi] = RANGES[key];
      return `${key} ${v} outside ${lo}..${hi}`;
    }
  }
  if (m.rr !== undefined) {
    if (m.rr.length > MAX_RR) return `rr has ${m.rr.length} intervals, at most ${MAX_RR}`;
    const bad = m.rr.findIndex((v) => !inRange("rr", v));
    if (bad >= 0) return `rr[${bad}] ${m.rr[bad]} ms outside ${RANGES.rr[0]}..${RANGES.rr[1]}`;
  }
  return undefined;
}

export function hasMeasurement(m: Measurements): boolean {
  return (
    SCALAR_METRICS.some((k) => m[k] !== undefined) ||
    (m.rr !== undefined && m.rr.length > 0) ||
    m.sleep !== undefined ||
    m.activity !== undefined
  );
}

export interface SampleMeta {
  measured_at: number;
  source: string;
  quality?: number;
  id?: string;
}

const MEASUREMENT_KEYS = [
  ...SCALAR_METRICS,
  "rr",
  "sleep",
  "activity",
] as const satisfies readonly (keyof Measurements)[];

/**
 * Drops undefined keys and empty RR arrays so Samples compare and serialize cleanly. Every reading passes
 * here: a fixed key list with plain property reads, not Object.entries (an array of pairs per reading).
 */
export function compact(m: Measurements): Measurements {
  const out: Measurements = {};
  for (const k of MEASUREMENT_KEYS) {
    const v = m[k];
    if (v === undefined) continue;
    if (k === "rr" && Array.isArray(v) && v.length === 0) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** Validates measurements and assembles a Sample: `no_measurement`, then `out_of_range`. */
export function buildSample(ctx: AdapterContext, meta: SampleMeta, m: Measurements): Decoded<Sample> {
  const clean = compact(m);
  if (!hasMeasurement(clean)) return reject("no_measurement", "payload carries no measurement");
  const problem = rangeProblem(clean);
  if (problem) return reject("out_of_range", problem);
  if (!Number.isFinite(meta.measured_at))
    return reject("invalid_payload", "timestamp is not a finite number");
  const sample: Sample = {
    person: ctx.person,
    measured_at: meta.measured_at,
    received_at: ctx.received_at,
    source: meta.source,
    quality: clampQuality(meta.quality ?? 1),
  };
  if (meta.id !== undefined) sample.id = meta.id;
  return { ok: true, value: Object.assign(sample, clean) };
}

export function clampQuality(q: number): number {
  if (!Number.isFinite(q)) return 0;
  return Math.min(1, Math.max(0, q));
}

/** One-sample success. */
export function single(r: Decoded<Sample>): ParseResult {
  return r.ok ? { ok: true, samples: [r.value] } : r;
}
