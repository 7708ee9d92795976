import { describe, expect, it } from "vitest";
import {
  createHaEntityAdapter,
  haEntityAdapter,
  qualityFromAccuracy,
  sampleFromHaState,
} from "../../../devices/adapters/ha-entity.js";
import { ctx, fixture, one, RECEIVED_AT, rejected } from "./helpers.js";

const opts = { person: "alex", metric: "hr" as const, received_at: RECEIVED_AT };
const state = (over: Record<string, unknown> = {}, attributes: Record<string, unknown> = {}) => ({
  entity_id: "sensor.galaxy_watch_heart_rate",
  state: "72",
  attributes: { unit_of_measurement: "bpm", ...attributes },
  last_changed: "2026-10-02T19:15:02.114+00:00",
  ...over,
});

describe("sampleFromHaState", () => {
  it("Wear OS heart rate with accuracy high", () => {
    expect(one(sampleFromHaState(state({}, { accuracy: "high" }), opts))).toEqual({
      person: "alex",
      measured_at: Date.UTC(2026, 9, 2, 19, 15, 2, 114),
      received_at: RECEIVED_AT,
      source: "ha:sensor.galaxy_watch_heart_rate",
      quality: 1,
      hr: 72,
    });
  });

  it("accuracy → quality, names and Android status numbers", () => {
    expect(
      [3, 2, 1, 0, -1, "medium", "LOW", "unreliable", "no_contact", "weird", undefined].map(
        qualityFromAccuracy,
      ),
    ).toEqual([1, 0.7, 0.4, 0.1, 0, 0.7, 0.4, 0.1, 0, 0.5, 1]);
    expect(one(sampleFromHaState(state({}, { accuracy: 1 }), opts)).quality).toBe(0.4);
  });

  it("prefers the sample time attribute, then last_reported/last_updated, then last_changed", () => {
    const s = state({ last_updated: "2026-10-02T19:20:00+00:00" }, { date: "2026-10-02T21:10:00+02:00" });
    expect(one(sampleFromHaState(s, opts)).measured_at).toBe(Date.UTC(2026, 9, 2, 19, 10));
    expect(
      one(sampleFromHaState(state({ last_updated: "2026-10-02T19:20:00+00:00" }), opts)).measured_at,
    ).toBe(Date.UTC(2026, 9, 2, 19, 20));
  });

  it("other metrics and unit conversion", () => {
    const temp = state({ entity_id: "sensor.ring_skin_temp", state: "93.2" }, { unit_of_measurement: "°F" });
    expect(one(sampleFromHaState(temp, { ...opts, metric: "skin_temp" })).skin_temp).toBeCloseTo(34, 9);
    const stress = state({ entity_id: "sensor.alex_stress", state: "55" }, { unit_of_measurement: null });
    expect(one(sampleFromHaState(stress, { ...opts, metric: "stress" })).stress).toBe(55);
    // The Garmin Connect integration gives its stress sensors the unit "level".
    const garmin = state(
      { entity_id: "sensor.garmin_connect_average_stress_level", state: "31" },
      { unit_of_measurement: "level" },
    );
    expect(one(sampleFromHaState(garmin, { ...opts, metric: "stress" })).stress).toBe(31);
    const eda = state({ entity_id: "sensor.band_eda", state: "4.2" }, { unit_of_measurement: "µS" });
    expect(one(sampleFromHaState(eda, { ...opts, metric: "eda" })).eda).toBe(4.2);
  });

  it.each([
    ["unavailable", state({ state: "unavailable" }), "no_measurement"],
    ["unknown", state({ state: "unknown" }), "no_measurement"],
    ["not a number", state({ state: "72 bpm" }), "invalid_payload"],
    ["unit mismatch", state({}, { unit_of_measurement: "°C" }), "invalid_payload"],
    ["bad time", state({ last_changed: "now" }), "invalid_payload"],
    ["no entity_id", { state: "72", attributes: {} }, "invalid_payload"],
    ["out of range", state({ state: "0" }), "out_of_range"],
  ])("%s → reason", (_n, s, reason) => {
    rejected(sampleFromHaState(s, opts), reason);
  });
});

describe("ha-entity adapters", () => {
  it("fixture: a state_changed event is unwrapped; the registry adapter infers hr from the unit", () => {
    const s = one(haEntityAdapter.parse(fixture("ha-entity", "wear-os-heart-rate.json"), ctx));
    expect(s).toMatchObject({ hr: 97, quality: 1, measured_at: Date.UTC(2026, 9, 2, 19, 15, 2, 114) });
  });

  it("a configured adapter uses its metric", () => {
    const a = createHaEntityAdapter("rmssd");
    expect(a.format).toBe("ha-entity:rmssd");
    const payload = JSON.stringify(
      state({ entity_id: "sensor.phone_hrv", state: "38" }, { unit_of_measurement: "ms" }),
    );
    expect(one(a.parse(payload, ctx)).rmssd).toBe(38);
  });

  it("cannot infer → invalid_payload; removed entity → no_measurement; not JSON → malformed_json", () => {
    const unknownKind = JSON.stringify(
      state({ entity_id: "sensor.thing", state: "3" }, { unit_of_measurement: "W" }),
    );
    rejected(haEntityAdapter.parse(unknownKind, ctx), "invalid_payload");
    rejected(
      haEntityAdapter.parse('{"event_type":"state_changed","data":{"new_state":null}}', ctx),
      "no_measurement",
    );
    rejected(haEntityAdapter.parse("72", ctx), "invalid_payload");
    rejected(haEntityAdapter.parse("{", ctx), "malformed_json");
  });
});
