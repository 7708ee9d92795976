import { describe, expect, it } from "vitest";
import { nativeAdapter } from "../../../devices/adapters/native.js";
import { bytes, ctx, fixture, one, RECEIVED_AT, rejected } from "./helpers.js";

const parse = (p: unknown): ReturnType<typeof nativeAdapter.parse> =>
  nativeAdapter.parse(typeof p === "string" ? p : JSON.stringify(p), ctx);
const T = Date.UTC(2026, 10, 27, 7, 15, 3, 120);

describe("native adapter", () => {
  it("normalizes the full documented payload (bytes in)", () => {
    const s = one(nativeAdapter.parse(bytes(fixture("native", "full.json")), ctx));
    expect(s).toEqual({
      person: "alex",
      measured_at: T,
      received_at: RECEIVED_AT,
      source: "empatica-bridge",
      quality: 1,
      id: "alex-000123",
      hr: 78,
      rr: [774, 765, 781],
      rmssd: 31.5,
      sdnn: 48.2,
      eda: 3.42,
      resp: 15.5,
      skin_temp: 33.1,
      stress: 41,
      sleep: "awake",
      activity: "rest",
      steps: 2412,
    });
  });

  it("accepts epoch ms, epoch s, a bare sleep state, and a payload quality", () => {
    expect(one(parse({ ts: T, hr: 60 }))).toMatchObject({
      measured_at: T,
      source: "native",
      quality: 1,
      hr: 60,
    });
    expect(one(parse({ ts: 1795000000, eda: 2 })).measured_at).toBe(1795000000000);
    expect(one(parse({ ts: T, sleep: "asleep" })).sleep).toBe("asleep");
    expect(one(parse({ ts: T, hr: 70, quality: 0.4 })).quality).toBe(0.4);
  });

  it.each([
    ["not json", "{hr: 60", "malformed_json"],
    ["empty", "", "malformed_json"],
    ["array", "[1,2]", "invalid_payload"],
    ["no ts", { hr: 60 }, "invalid_payload"],
    ["bad ts", { ts: "last tuesday", hr: 60 }, "invalid_payload"],
    ["local ts", { ts: "2026-11-27T08:15:00", hr: 60 }, "invalid_payload"],
    ["hr string", { ts: T, hr: "60" }, "invalid_payload"],
    ["rr not array", { ts: T, rr: 800 }, "invalid_payload"],
    ["unknown sleep", { ts: T, sleep: { state: "dreaming" } }, "invalid_payload"],
    ["unknown activity", { ts: T, activity: "running" }, "invalid_payload"],
    ["quality > 1", { ts: T, hr: 60, quality: 2 }, "invalid_payload"],
    ["nothing measured", { ts: T, id: "x", source: "y" }, "no_measurement"],
    ["empty rr only", { ts: T, rr: [] }, "no_measurement"],
    ["hr low", { ts: T, hr: 20 }, "out_of_range"],
    ["hr high", { ts: T, hr: 251 }, "out_of_range"],
    ["rr value", { ts: T, rr: [800, 240] }, "out_of_range"],
    ["rr count", { ts: T, rr: Array.from({ length: 301 }, () => 800) }, "out_of_range"],
    ["rmssd", { ts: T, rmssd: 501 }, "out_of_range"],
    ["sdnn", { ts: T, sdnn: -1 }, "out_of_range"],
    ["eda", { ts: T, eda: 100.5 }, "out_of_range"],
    ["resp", { ts: T, resp: 2 }, "out_of_range"],
    ["skin_temp", { ts: T, skin_temp: 14 }, "out_of_range"],
    ["stress", { ts: T, stress: 101 }, "out_of_range"],
    ["too large", `{"ts":1,"hr":60,"pad":"${"x".repeat(70_000)}"}`, "too_large"],
  ])("%s → reason", (_name, payload, reason) => {
    rejected(parse(payload), reason);
  });

  it("does not judge freshness (that is ingest's job)", () => {
    expect(one(parse({ ts: "2001-01-01T00:00:00Z", hr: 60 })).measured_at).toBe(Date.UTC(2001, 0, 1));
    expect(one(parse({ ts: RECEIVED_AT + 86_400_000, hr: 60 })).measured_at).toBe(RECEIVED_AT + 86_400_000);
  });

  it("never throws on hostile JSON", () => {
    for (const p of [
      "null",
      "1e999",
      '{"ts":1e999,"hr":60}',
      '{"__proto__":{"hr":1},"ts":1}',
      '"x"',
      "true",
    ]) {
      const r = parse(p);
      expect(r.ok).toBe(false);
    }
  });
});
