import { describe, expect, it } from "vitest";
import { getAdapter } from "../../devices/adapters/index.js";
import { PLAUSIBLE_RANGES } from "../../hub/core/index.js";
import { StressDetector } from "../../hub/detect/index.js";

// One table for adapters and detector: a reading the adapter accepts is one the detector uses, and the
// edges agree (the review found hr 250 accepted by the adapter but dropped by the detector).
describe("plausible ranges", () => {
  const native = getAdapter("native");
  const T = Date.UTC(2026, 0, 5, 12);
  const ctx = { person: "alice", topic: "calm/alice/wearable", received_at: T };

  it("the adapter refuses just outside each range and accepts its edges", () => {
    if (!native) throw new Error("native adapter missing");
    for (const metric of ["hr", "eda", "resp", "skin_temp", "stress"] as const) {
      const [lo, hi] = PLAUSIBLE_RANGES[metric];
      for (const v of [lo, hi]) {
        const r = native.parse(Buffer.from(JSON.stringify({ ts: T, [metric]: v })), ctx);
        expect(r.ok, `${metric} ${v}`).toBe(true);
      }
      const outside = native.parse(Buffer.from(JSON.stringify({ ts: T, [metric]: hi + 1 })), ctx);
      expect(outside.ok, `${metric} ${hi + 1}`).toBe(false);
    }
  });

  it("the detector uses a heart rate at the top of the range the adapter accepts", () => {
    const detector = new StressDetector({});
    const [, hi] = PLAUSIBLE_RANGES.hr;
    const sample = (i: number) => ({
      person: "alice",
      measured_at: T + i * 1000,
      received_at: T + i * 1000,
      hr: hi,
      source: "native",
      quality: 1,
    });
    let state = detector.update(sample(0));
    for (let i = 1; i < 5; i++) state = detector.update(sample(i)) ?? state;
    // An accepted value is a signal, not a fault: the detector reports a state from it (one above: none).
    expect(state?.person).toBe("alice");
  });
});
