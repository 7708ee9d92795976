/**
 * Bluetooth Heart Rate Measurement (GATT characteristic 0x2A37) as bridged to MQTT by ESPHome or a
 * script. Accepted payloads:
 *
 * - JSON, already decoded: `{ ts?, hr?, rr?, rr_1024?, contact?, source?, id? }`
 *   - `rr` (alias `rr_ms`): RR intervals in **milliseconds**;
 *   - `rr_1024`: RR intervals in the characteristic's own unit, **1/1024 s** (converted to ms);
 *   - `hr` (alias `hr_bpm`): bpm; `contact: false` lowers quality.
 * - JSON with the raw characteristic: `{ ts?, hex: "10 58 19 03" }` or `{ ts?, bytes: [16, 88, 25, 3] }`.
 * - A bare hex string (with or without JSON quotes): `10581903`, `10:58:19:03`, `"10 58 19 03"`.
 *
 * Without `ts` the sample is stamped with `received_at` (notifications arrive about once a second).
 */
import { z } from "zod";
import type { AdapterContext, ParseResult, WearableAdapter } from "../../hub/core/sample.js";
import {
  buildSample,
  type Decoded,
  decodeText,
  parseTimestamp,
  parseWith,
  reject,
  single,
} from "./checks.js";

/** BLE payloads are tiny; anything bigger is not a heart-rate notification. */
export const BLE_MAX_PAYLOAD_BYTES = 4 * 1024;

/** Quality when the strap says it supports contact detection but has no skin contact. */
export const NO_CONTACT_QUALITY = 0.2;

const num = z.number().refine(Number.isFinite, "must be finite");
const HEX_RE = /^(?:0x)?[0-9a-fA-F]{2}(?:[\s:,-]*(?:0x)?[0-9a-fA-F]{2})*$/;

export const BleHrmJsonSchema = z
  .object({
    ts: z.union([num, z.string().min(1).max(64)]).optional(),
    id: z.string().min(1).max(128).optional(),
    source: z.string().min(1).max(64).optional(),
    hr: num.optional(),
    hr_bpm: num.optional(),
    /** ms */
    rr: z.array(num).optional(),
    /** ms (alias of `rr`) */
    rr_ms: z.array(num).optional(),
    /** 1/1024 s, as in the characteristic */
    rr_1024: z.array(num).optional(),
    contact: z.boolean().optional(),
    hex: z.string().max(2048).regex(HEX_RE, "not a hex byte string").optional(),
    bytes: z.array(z.number().int().min(0).max(255)).max(1024).optional(),
  })
  .refine((p) => !(p.hex !== undefined && p.bytes !== undefined), "give either hex or bytes, not both");
export type BleHrmJson = z.input<typeof BleHrmJsonSchema>;

/** What a Heart Rate Measurement value decodes to. */
export interface HeartRateMeasurement {
  hr: number;
  /** ms */
  rr: number[];
  /** undefined when the sensor does not support contact detection */
  contact: boolean | undefined;
  /** kJ, when present */
  energyExpended?: number;
}

/** 1/1024 s → ms. */
export function rr1024ToMs(v: number): number {
  return (v * 1000) / 1024;
}

export function hexToBytes(hex: string): Uint8Array | undefined {
  const s = hex.trim();
  if (!HEX_RE.test(s)) return undefined;
  const pairs = s.replace(/0x/gi, "").replace(/[\s:,-]/g, "");
  if (pairs.length % 2 !== 0) return undefined;
  const out = new Uint8Array(pairs.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(pairs.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * Decodes a 0x2A37 value. Flags (byte 0): bit0 HR format (0 = uint8, 1 = uint16 LE); bits1-2 sensor
 * contact (bit2 = supported, bit1 = detected); bit3 energy expended present (uint16 LE, kJ); bit4 RR
 * intervals present (uint16 LE each, 1/1024 s, to the end of the value).
 */
export function decodeHeartRateMeasurement(bytes: Uint8Array): Decoded<HeartRateMeasurement> {
  if (bytes.length < 2) return reject("invalid_payload", `0x2A37 value too short (${bytes.length} bytes)`);
  const flags = bytes[0] ?? 0;
  let i = 1;
  const u16 = (at: number): number => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
  let hr: number;
  if (flags & 0x01) {
    if (bytes.length < i + 2) return reject("invalid_payload", "0x2A37: truncated 16-bit heart rate");
    hr = u16(i);
    i += 2;
  } else {
    hr = bytes[i] ?? 0;
    i += 1;
  }
  const contactSupported = (flags & 0x04) !== 0;
  const contact = contactSupported ? (flags & 0x02) !== 0 : undefined;
  let energyExpended: number | undefined;
  if (flags & 0x08) {
    if (bytes.length < i + 2) return reject("invalid_payload", "0x2A37: truncated energy expended");
    energyExpended = u16(i);
    i += 2;
  }
  const rr: number[] = [];
  if (flags & 0x10) {
    if ((bytes.length - i) % 2 !== 0) return reject("invalid_payload", "0x2A37: odd number of RR bytes");
    for (; i + 1 < bytes.length; i += 2) rr.push(rr1024ToMs(u16(i)));
  } else if (i !== bytes.length) {
    return reject("invalid_payload", `0x2A37: ${bytes.length - i} unexpected trailing bytes`);
  }
  return {
    ok: true,
    value: { hr, rr, contact, ...(energyExpended !== undefined ? { energyExpended } : {}) },
  };
}

export function parseBleHrm(payload: Uint8Array | string, ctx: AdapterContext): ParseResult {
  const text = decodeText(payload, BLE_MAX_PAYLOAD_BYTES);
  if (!text.ok) return text;
  const raw = text.value.trim();

  // Anything not starting like a JSON object or string is a bare hex value ("10581903" would
  // otherwise parse as a JSON number).
  if (!raw.startsWith("{") && !raw.startsWith('"')) {
    const bytes = hexToBytes(raw);
    if (!bytes) return reject("malformed_json", "neither a JSON object nor a hex byte string");
    return fromBytes(bytes, ctx, ctx.received_at, undefined, "ble-hrm");
  }
  let json: unknown;
  try {
    json = JSON.parse(raw) as unknown;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return reject("malformed_json", `not JSON: ${msg.slice(0, 120)}`);
  }
  if (typeof json === "string") {
    const bytes = hexToBytes(json);
    if (!bytes) return reject("invalid_payload", "string payload is not a hex byte string");
    return fromBytes(bytes, ctx, ctx.received_at, undefined, "ble-hrm");
  }
  const parsed = parseWith(BleHrmJsonSchema, json);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  let measured_at = ctx.received_at;
  if (p.ts !== undefined) {
    const t = parseTimestamp(p.ts);
    if (t === undefined) return reject("invalid_payload", `ts: not a valid timestamp (${String(p.ts)})`);
    measured_at = t;
  }
  const source = p.source ?? "ble-hrm";
  if (p.hex !== undefined || p.bytes !== undefined) {
    const bytes = p.hex !== undefined ? hexToBytes(p.hex) : Uint8Array.from(p.bytes ?? []);
    if (!bytes) return reject("invalid_payload", "hex: odd number of digits");
    return fromBytes(bytes, ctx, measured_at, p.id, source);
  }
  if (p.hr !== undefined && p.hr_bpm !== undefined && p.hr !== p.hr_bpm)
    return reject("invalid_payload", "hr and hr_bpm disagree");
  const rrSets = [p.rr, p.rr_ms, p.rr_1024].filter((x) => x !== undefined);
  if (rrSets.length > 1) return reject("invalid_payload", "give only one of rr, rr_ms, rr_1024");
  const rr = p.rr ?? p.rr_ms ?? p.rr_1024?.map(rr1024ToMs);
  return single(
    buildSample(
      ctx,
      { measured_at, source, quality: p.contact === false ? NO_CONTACT_QUALITY : 1, id: p.id },
      { hr: p.hr ?? p.hr_bpm, rr },
    ),
  );
}

function fromBytes(
  bytes: Uint8Array,
  ctx: AdapterContext,
  measured_at: number,
  id: string | undefined,
  source: string,
): ParseResult {
  const m = decodeHeartRateMeasurement(bytes);
  if (!m.ok) return m;
  const { hr, rr, contact } = m.value;
  return single(
    buildSample(
      ctx,
      { measured_at, source, quality: contact === false ? NO_CONTACT_QUALITY : 1, id },
      { hr, rr },
    ),
  );
}

export const bleHrmAdapter: WearableAdapter = { format: "ble-hrm", parse: parseBleHrm };
