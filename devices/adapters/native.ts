/**
 * The hub's own format, topic `calm/<person>/wearable`:
 * `{ ts, id?, hr?, rr?, rmssd?, sdnn?, eda?, resp?, skin_temp?, stress?, sleep?, activity?, steps?,
 *    source?, quality? }` — at least one measurement. Unknown keys are ignored (forward compatible).
 */
import { z } from "zod";
import {
  ActivitySchema,
  type AdapterContext,
  type ParseResult,
  SleepStateSchema,
  type WearableAdapter,
} from "../../hub/core/sample.js";
import {
  buildSample,
  MAX_PAYLOAD_BYTES,
  parseJsonPayload,
  parseTimestamp,
  parseWith,
  reject,
  single,
} from "./checks.js";

/** A finite number (zod 4 already refuses NaN and ±Infinity; stated for the reader). */
const num = z.number().refine(Number.isFinite, "must be finite");

export const NativeTimestampSchema = z.union([num, z.string().min(1).max(64)]);

export const NativePayloadSchema = z.object({
  /** Epoch ms (numbers below 1e11 are read as epoch seconds) or ISO-8601 with an offset. */
  ts: NativeTimestampSchema,
  id: z.string().min(1).max(128).optional(),
  /** bpm */
  hr: num.optional(),
  /** RR (inter-beat) intervals, ms, oldest first. */
  rr: z.array(num).optional(),
  /** ms */
  rmssd: num.optional(),
  /** ms */
  sdnn: num.optional(),
  /** electrodermal activity, µS */
  eda: num.optional(),
  /** breaths/min */
  resp: num.optional(),
  /** °C */
  skin_temp: num.optional(),
  /** vendor's 0-100 stress score */
  stress: num.optional(),
  /** `{ state }` (other keys ignored) or the bare state string. */
  sleep: z.union([z.object({ state: SleepStateSchema }), SleepStateSchema]).optional(),
  activity: ActivitySchema.optional(),
  steps: num.optional(),
  source: z.string().min(1).max(64).optional(),
  /** 0-1; defaults to 1. */
  quality: num.min(0).max(1).optional(),
});
export type NativePayload = z.input<typeof NativePayloadSchema>;

export function parseNative(payload: Uint8Array | string, ctx: AdapterContext): ParseResult {
  const json = parseJsonPayload(payload, MAX_PAYLOAD_BYTES);
  if (!json.ok) return json;
  const parsed = parseWith(NativePayloadSchema, json.value);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  const measured_at = parseTimestamp(p.ts);
  if (measured_at === undefined)
    return reject("invalid_payload", `ts: not a valid timestamp (${String(p.ts)})`);
  return single(
    buildSample(
      ctx,
      { measured_at, source: p.source ?? "native", quality: p.quality ?? 1, id: p.id },
      {
        hr: p.hr,
        rr: p.rr,
        rmssd: p.rmssd,
        sdnn: p.sdnn,
        eda: p.eda,
        resp: p.resp,
        skin_temp: p.skin_temp,
        stress: p.stress,
        sleep: typeof p.sleep === "string" ? p.sleep : p.sleep?.state,
        activity: p.activity,
        steps: p.steps,
      },
    ),
  );
}

export const nativeAdapter: WearableAdapter = { format: "native", parse: parseNative };
