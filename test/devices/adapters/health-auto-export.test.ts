import { describe, expect, it } from "vitest";
import { healthAutoExportAdapter } from "../../../devices/adapters/health-auto-export.js";
import { bytes, ctx, fixture, ok, RECEIVED_AT, rejected } from "./helpers.js";

const parse = (p: unknown): ReturnType<typeof healthAutoExportAdapter.parse> =>
  healthAutoExportAdapter.parse(typeof p === "string" ? p : JSON.stringify(p), ctx);
const wrap = (...metrics: unknown[]) => ({ data: { metrics, workouts: [] } });
const base = { person: "alex", received_at: RECEIVED_AT, source: "health-auto-export", quality: 1 };

describe("health-auto-export adapter", () => {
  it("fixture: HR Avg → hr, HRV → sdnn, respiratory rate → resp; one sample per timestamp, sorted", () => {
    const samples = ok(
      healthAutoExportAdapter.parse(bytes(fixture("health-auto-export", "batch.json")), ctx),
    );
    expect(samples).toEqual([
      { ...base, measured_at: Date.UTC(2026, 10, 27, 2, 40), resp: 14.8 },
      { ...base, measured_at: Date.UTC(2026, 10, 27, 7, 15), hr: 84.5, sdnn: 31.4 },
      { ...base, measured_at: Date.UTC(2026, 10, 27, 7, 16), hr: 79 },
    ]);
  });

  it("ignores resting heart rate and unknown metrics; none left → no_measurement", () => {
    rejected(
      parse(
        wrap({
          name: "resting_heart_rate",
          units: "count/min",
          data: [{ date: "2026-11-27 00:00:00 +0100", qty: 56 }],
        }),
      ),
      "no_measurement",
    );
    rejected(parse(wrap()), "no_measurement");
  });

  it("heart_rate with qty instead of Min/Avg/Max, and step_count", () => {
    const s = ok(
      parse(
        wrap(
          { name: "heart_rate", units: "count/min", data: [{ date: "2026-11-27 08:15:00 -0500", qty: 66 }] },
          { name: "step_count", units: "count", data: [{ date: "2026-11-27 08:15:00 -0500", qty: 120 }] },
        ),
      ),
    );
    expect(s).toEqual([{ ...base, measured_at: Date.UTC(2026, 10, 27, 13, 15), hr: 66, steps: 120 }]);
  });

  it("drops one implausible reading, keeps the rest of the batch", () => {
    const s = ok(
      parse(
        wrap({
          name: "heart_rate",
          units: "count/min",
          data: [
            { date: "2026-11-27 08:15:00 +0100", Avg: 12 },
            { date: "2026-11-27 08:16:00 +0100", Avg: 70 },
          ],
        }),
      ),
    );
    expect(s.map((x) => x.hr)).toEqual([70]);
  });

  it("a merged timestamp keeps its good value when another reading there is implausible", () => {
    const s = ok(
      parse(
        wrap(
          { name: "heart_rate", data: [{ date: "2026-11-27 08:15:00 +0100", Avg: 70 }] },
          { name: "respiratory_rate", data: [{ date: "2026-11-27 08:15:00 +0100", qty: 95 }] },
        ),
      ),
    );
    expect(s).toEqual([{ ...base, measured_at: Date.UTC(2026, 10, 27, 7, 15), hr: 70 }]);
  });

  it.each([
    ["not JSON", "<xml/>", "malformed_json"],
    ["no data", { metrics: [] }, "invalid_payload"],
    ["metrics not array", { data: { metrics: {} } }, "invalid_payload"],
    [
      "bad date",
      wrap({ name: "heart_rate", data: [{ date: "27/11/2026 08:15", Avg: 70 }] }),
      "invalid_payload",
    ],
    [
      "date without offset",
      wrap({ name: "heart_rate", data: [{ date: "2026-11-27 08:15:00", Avg: 70 }] }),
      "invalid_payload",
    ],
    [
      "Avg as string",
      wrap({ name: "heart_rate", data: [{ date: "2026-11-27 08:15:00 +0100", Avg: "70" }] }),
      "invalid_payload",
    ],
    ["wrong units", wrap({ name: "heart_rate_variability", units: "s", data: [] }), "invalid_payload"],
    [
      "all implausible",
      wrap({ name: "heart_rate", data: [{ date: "2026-11-27 08:15:00 +0100", Avg: 400 }] }),
      "out_of_range",
    ],
  ])("%s → reason", (_n, p, reason) => {
    rejected(parse(p), reason);
  });

  it("accepts batches above 64 KiB (up to 1 MiB)", () => {
    const data = Array.from({ length: 1500 }, (_, i) => ({
      date: new Date(Date.UTC(2026, 10, 27, 0, i))
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, " +0000"),
      Min: 60,
      Avg: 65,
      Max: 70,
      source: "Alex's Apple Watch",
    }));
    const payload = JSON.stringify(wrap({ name: "heart_rate", units: "count/min", data }));
    expect(payload.length).toBeGreaterThan(64 * 1024);
    expect(ok(parse(payload))).toHaveLength(1500);
    rejected(parse(`${payload}${" ".repeat(1024 * 1024)}`), "too_large");
  });
});
