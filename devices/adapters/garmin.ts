/**
 * Garmin, in three shapes (chosen by which keys are present):
 *
 * 1. Live vendor score from a bridge: `{ "stressLevel": 42, "timestamp": <epoch ms | s | ISO>,
 *    "heartRate"?: bpm, "id"? }` → one Sample, source "garmin", quality 1.
 * 2. Intraday series as returned by Garmin Connect's daily stress endpoint:
 *    `{ "stressValuesArray": [[<epoch ms>, <level>], ...] }` → one Sample per entry, source "garmin".
 * 3. Daily summary (what the Home Assistant garmin_connect integration reads): `averageStressLevel`,
 *    `maxStressLevel`, stress durations, `bodyBatteryMostRecentValue`, `restingHeartRate`,
 *    `lastSyncTimestampGMT` → slow context: one Sample with `stress = averageStressLevel`,
 *    source "garmin-daily", quality {@link GARMIN_DAILY_QUALITY}, measured at the last sync (Garmin's
 *    `...GMT` fields have no offset and are read as UTC) or else at receipt. Body Battery, maximum
 *    stress and the durations have no Sample field and are not carried.
 *
 * Garmin's negative levels: -1 ("not enough data", e.g. off wrist) is refused as `out_of_range`;
 * -2 ("too much motion") becomes a Sample with `activity: "active"` and no stress value, so the detector
 * can explain a raised heart rate by movement. Other negatives are refused as `out_of_range`. In the
 * intraday series, -1 and other unusable entries are skipped.
 */
import { z } from "zod";
import type { AdapterContext, ParseResult, Sample, WearableAdapter } from "../../hub/core/sample.js";
import {
  buildSample,
  type Decoded,
  type Measurements,
  parseJsonPayload,
  parseTimestamp,
  parseWith,
  reject,
  single,
} from "./checks.js";

export const GARMIN_DAILY_QUALITY = 0.3;
export const GARMIN_NOT_ENOUGH_DATA = -1;
export const GARMIN_TOO_MUCH_MOTION = -2;

const num = z.number().refine(Number.isFinite, "must be finite");
const ts = z.union([num, z.string().min(1).max(64)]);

export const GarminLiveSchema = z.object({
  stressLevel: num,
  timestamp: ts.optional(),
  heartRate: num.optional(),
  id: z.string().min(1).max(128).optional(),
});

export const GarminIntradaySchema = z.object({
  stressValuesArray: z.array(z.tuple([num, num.nullable()]).rest(z.unknown())).max(2000),
});

export const GarminDailySchema = z.object({
  averageStressLevel: num.nullish(),
  maxStressLevel: num.nullish(),
  stressQualifier: z.string().nullish(),
  highStressDuration: num.nullish(),
  mediumStressDuration: num.nullish(),
  lowStressDuration: num.nullish(),
  restStressDuration: num.nullish(),
  bodyBatteryMostRecentValue: num.nullish(),
  bodyBatteryLowestValue: num.nullish(),
  bodyBatteryHighestValue: num.nullish(),
  restingHeartRate: num.nullish(),
  lastSyncTimestampGMT: z.string().nullish(),
  calendarDate: z.string().nullish(),
});

export type GarminLive = z.input<typeof GarminLiveSchema>;
export type GarminDaily = z.input<typeof GarminDailySchema>;

/** Maps a Garmin stress level to measurements, or a rejection for "not enough data" and the like. */
export function garminLevel(level: number): Decoded<Measurements> {
  if (level === GARMIN_TOO_MUCH_MOTION) return { ok: true, value: { activity: "active" } };
  if (level === GARMIN_NOT_ENOUGH_DATA) return reject("out_of_range", "stressLevel -1: not enough data");
  if (level < 0) return reject("out_of_range", `stressLevel ${level}: no stress value`);
  return { ok: true, value: { stress: level } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function parseGarmin(payload: Uint8Array | string, ctx: AdapterContext): ParseResult {
  const json = parseJsonPayload(payload);
  if (!json.ok) return json;
  const v = json.value;
  if (!isRecord(v)) return reject("invalid_payload", "(root): expected an object");

  if ("stressLevel" in v) {
    const p = parseWith(GarminLiveSchema, v);
    if (!p.ok) return p;
    let measured_at = ctx.received_at;
    if (p.value.timestamp !== undefined) {
      const t = parseTimestamp(p.value.timestamp, { assumeUtc: true });
      if (t === undefined) return reject("invalid_payload", `timestamp: not a valid timestamp`);
      measured_at = t;
    }
    const level = garminLevel(p.value.stressLevel);
    if (!level.ok) return level;
    return single(
      buildSample(
        ctx,
        { measured_at, source: "garmin", id: p.value.id },
        { ...level.value, hr: p.value.heartRate },
      ),
    );
  }

  if ("stressValuesArray" in v) {
    const p = parseWith(GarminIntradaySchema, v);
    if (!p.ok) return p;
    const samples: Sample[] = [];
    for (const [i, entry] of p.value.stressValuesArray.entries()) {
      const [at, level] = entry;
      const t = parseTimestamp(at);
      if (t === undefined) return reject("invalid_payload", `stressValuesArray[${i}]: bad timestamp`);
      if (level === null) continue;
      const m = garminLevel(level);
      if (!m.ok) continue;
      const s = buildSample(ctx, { measured_at: t, source: "garmin" }, m.value);
      if (s.ok) samples.push(s.value);
    }
    if (samples.length === 0) return reject("no_measurement", "no usable stress values");
    samples.sort((a, b) => a.measured_at - b.measured_at);
    return { ok: true, samples };
  }

  const p = parseWith(GarminDailySchema, v);
  if (!p.ok) return p;
  const d = p.value;
  let measured_at = ctx.received_at;
  if (d.lastSyncTimestampGMT) {
    const t = parseTimestamp(d.lastSyncTimestampGMT, { assumeUtc: true });
    if (t === undefined) return reject("invalid_payload", "lastSyncTimestampGMT: not a valid timestamp");
    measured_at = t;
  }
  const avg = d.averageStressLevel;
  if (avg === null || avg === undefined)
    return reject("no_measurement", "daily summary without averageStressLevel");
  if (avg < 0) return reject("out_of_range", `averageStressLevel ${avg}: no stress value`);
  return single(
    buildSample(ctx, { measured_at, source: "garmin-daily", quality: GARMIN_DAILY_QUALITY }, { stress: avg }),
  );
}

export const garminAdapter: WearableAdapter = { format: "garmin", parse: parseGarmin };
