import { describe, expect, it } from "vitest";
import { garminAdapter } from "../../../devices/adapters/garmin.js";
import { ctx, fixture, ok, one, RECEIVED_AT, rejected } from "./helpers.js";

const parse = (p: unknown): ReturnType<typeof garminAdapter.parse> =>
  garminAdapter.parse(typeof p === "string" ? p : JSON.stringify(p), ctx);

describe("garmin adapter", () => {
  it("fixture: daily summary → slow context, average stress at last sync (GMT), low quality", () => {
    expect(one(parse(fixture("garmin", "daily-summary.json")))).toEqual({
      person: "alex",
      measured_at: Date.UTC(2026, 9, 2, 18, 55, 4),
      received_at: RECEIVED_AT,
      source: "garmin-daily",
      quality: 0.3,
      stress: 47,
    });
  });

  it("daily summary without sync time is stamped at receipt; without average → no_measurement", () => {
    expect(one(parse({ averageStressLevel: 30, bodyBatteryMostRecentValue: 60 })).measured_at).toBe(
      RECEIVED_AT,
    );
    rejected(parse({ bodyBatteryMostRecentValue: 60 }), "no_measurement");
    rejected(parse({ averageStressLevel: null, maxStressLevel: null }), "no_measurement");
    rejected(parse({ averageStressLevel: -1 }), "out_of_range");
  });

  it("live vendor score", () => {
    const t = Date.UTC(2026, 9, 2, 19, 15);
    expect(one(parse({ stressLevel: 42, timestamp: t, heartRate: 81 }))).toEqual({
      person: "alex",
      measured_at: t,
      received_at: RECEIVED_AT,
      source: "garmin",
      quality: 1,
      stress: 42,
      hr: 81,
    });
    expect(one(parse({ stressLevel: 42, timestamp: t / 1000 })).measured_at).toBe(t);
    expect(one(parse({ stressLevel: 42, timestamp: "2026-10-02T19:15:00.0" })).measured_at).toBe(t);
    expect(one(parse({ stressLevel: 42 })).measured_at).toBe(RECEIVED_AT);
  });

  it("-2 (too much motion) → activity active, no stress; -1 (not enough data) → out_of_range", () => {
    const s = one(parse({ stressLevel: -2, timestamp: 1790964000000 }));
    expect(s.activity).toBe("active");
    expect(s.stress).toBeUndefined();
    expect(rejected(parse({ stressLevel: -1 }), "out_of_range")).toMatch(/not enough data/);
    rejected(parse({ stressLevel: -3 }), "out_of_range");
    rejected(parse({ stressLevel: 101 }), "out_of_range");
  });

  it("fixture: intraday stressValuesArray, skipping -1 and null", () => {
    const s = ok(parse(fixture("garmin", "stress-values.json")));
    expect(s.map((x) => [x.measured_at, x.stress, x.activity])).toEqual([
      [1790964000000, 22, undefined],
      [1790964360000, 64, undefined],
      [1790964540000, undefined, "active"],
    ]);
    rejected(parse({ stressValuesArray: [[1790964000000, -1]] }), "no_measurement");
  });

  it.each([
    ["not JSON", "stress=42", "malformed_json"],
    ["array", "[42]", "invalid_payload"],
    ["stressLevel string", { stressLevel: "42" }, "invalid_payload"],
    ["bad timestamp", { stressLevel: 42, timestamp: "noon" }, "invalid_payload"],
    ["bad series entry", { stressValuesArray: [["x", 3]] }, "invalid_payload"],
    ["bad sync time", { averageStressLevel: 40, lastSyncTimestampGMT: "yesterday" }, "invalid_payload"],
  ])("%s → reason", (_n, p, reason) => {
    rejected(parse(p), reason);
  });
});
