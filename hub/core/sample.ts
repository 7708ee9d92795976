import { z } from "zod";

export const SleepStateSchema = z.enum(["awake", "asleep", "tracking", "unknown"]);
export type SleepState = z.infer<typeof SleepStateSchema>;

export const ActivitySchema = z.enum(["rest", "active", "workout", "unknown"]);
export type Activity = z.infer<typeof ActivitySchema>;

/**
 * One normalized reading: what every vendor adapter produces and the detector consumes.
 * Times are epoch milliseconds; units are in the field names' documentation.
 */
export const SampleSchema = z.strictObject({
  person: z.string().min(1),
  /** When the wearable measured it. */
  measured_at: z.number().finite(),
  /** When the hub received it. */
  received_at: z.number().finite(),
  /** Which adapter and device produced it, e.g. "native", "ble-hrm", "garmin". */
  source: z.string().min(1),
  /** 0 (unusable) to 1 (clean). Adapters lower it for known-noisy sources or flagged accuracy. */
  quality: z.number().min(0).max(1),
  /** Sender's reading id, used to drop duplicates. */
  id: z.string().optional(),
  hr: z.number().optional(),
  rr: z.array(z.number()).optional(),
  rmssd: z.number().optional(),
  sdnn: z.number().optional(),
  eda: z.number().optional(),
  resp: z.number().optional(),
  skin_temp: z.number().optional(),
  /** Vendor's own 0-100 stress score. */
  stress: z.number().optional(),
  sleep: SleepStateSchema.optional(),
  activity: ActivitySchema.optional(),
  steps: z.number().optional(),
});
export type Sample = z.infer<typeof SampleSchema>;

/** Why an input was refused; every reason has its own counter. */
export const RejectReasonSchema = z.enum([
  "malformed_json",
  "invalid_payload",
  "too_large",
  "unknown_topic",
  "no_measurement",
  "out_of_range",
  "future",
  "too_old",
  "duplicate",
]);
export type RejectReason = z.infer<typeof RejectReasonSchema>;

export type ParseResult =
  | { ok: true; samples: Sample[] }
  | { ok: false; reason: RejectReason; detail: string };

export interface AdapterContext {
  person: string;
  topic: string;
  received_at: number;
}

/** A vendor format: raw MQTT payload in, normalized samples out. Pure; no I/O. */
export interface WearableAdapter {
  readonly format: string;
  parse(payload: Uint8Array | string, ctx: AdapterContext): ParseResult;
}
