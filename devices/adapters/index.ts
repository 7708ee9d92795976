/** Vendor adapters: raw payload in, normalized Samples out. See each file for its format. */
import type { WearableAdapter } from "../../hub/core/sample.js";
import { bleHrmAdapter } from "./ble-hrm.js";
import { garminAdapter } from "./garmin.js";
import { haEntityAdapter } from "./ha-entity.js";
import { healthAutoExportAdapter } from "./health-auto-export.js";
import { nativeAdapter } from "./native.js";
import { sleepAsAndroidAdapter } from "./sleep-as-android.js";

export const ADAPTER_FORMATS = [
  "native",
  "ble-hrm",
  "health-auto-export",
  "sleep-as-android",
  "garmin",
  "ha-entity",
] as const;
export type AdapterFormat = (typeof ADAPTER_FORMATS)[number];

export const adapters: Readonly<Record<AdapterFormat, WearableAdapter>> = Object.freeze({
  native: nativeAdapter,
  "ble-hrm": bleHrmAdapter,
  "health-auto-export": healthAutoExportAdapter,
  "sleep-as-android": sleepAsAndroidAdapter,
  garmin: garminAdapter,
  "ha-entity": haEntityAdapter,
});

export function isAdapterFormat(format: string): format is AdapterFormat {
  return Object.hasOwn(adapters, format);
}

/** The adapter for a format name, or undefined when there is none. */
export function getAdapter(format: string): WearableAdapter | undefined {
  return isAdapterFormat(format) ? adapters[format] : undefined;
}

export {
  BLE_MAX_PAYLOAD_BYTES,
  bleHrmAdapter,
  decodeHeartRateMeasurement,
  type HeartRateMeasurement,
  hexToBytes,
  NO_CONTACT_QUALITY,
  parseBleHrm,
  rr1024ToMs,
} from "./ble-hrm.js";
export {
  MAX_PAYLOAD_BYTES,
  MAX_RR,
  type Metric,
  parseTimestamp,
  RANGES,
  type TimestampOptions,
} from "./checks.js";
export { GARMIN_DAILY_QUALITY, garminAdapter, garminLevel, parseGarmin } from "./garmin.js";
export {
  createHaEntityAdapter,
  HA_METRICS,
  type HaMetric,
  type HaSampleOptions,
  type HaState,
  HaStateSchema,
  haEntityAdapter,
  inferHaMetric,
  qualityFromAccuracy,
  sampleFromHaState,
} from "./ha-entity.js";
export {
  HAE_MAX_PAYLOAD_BYTES,
  HaePayloadSchema,
  healthAutoExportAdapter,
  parseHealthAutoExport,
} from "./health-auto-export.js";
export { type NativePayload, NativePayloadSchema, nativeAdapter, parseNative } from "./native.js";
export { parseSleepAsAndroid, SLEEP_EVENT_STATES, sleepAsAndroidAdapter } from "./sleep-as-android.js";
