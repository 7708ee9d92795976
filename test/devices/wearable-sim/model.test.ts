import { describe, expect, it } from "vitest";
import { nativeAdapter } from "../../../devices/adapters/native.js";
import {
  createPersonModel,
  DEFAULT_EPISODES,
  DEMO_EPISODES,
  DEMO_TIME_SCALE,
  episodeStress,
} from "../../../devices/wearable-sim/index.js";

const T0 = Date.UTC(2026, 10, 27, 18, 0);
const MIN = 60_000;

function run(
  seed: number,
  minutes: number,
  step = 5000,
  extra: Parameters<typeof createPersonModel>[0] = { person: "alex", seed },
) {
  const m = createPersonModel({ ...extra, seed, startAt: T0 });
  const out = [];
  for (let t = T0; t <= T0 + minutes * MIN; t += step) out.push({ t, stress: m.stressAt(t), p: m.next(t) });
  return out;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("stress script", () => {
  it("rises, holds at the peak, falls", () => {
    const e = { startMs: 10 * MIN, riseMs: 3 * MIN, holdMs: 5 * MIN, fallMs: 4 * MIN, peak: 0.8 };
    expect(episodeStress([e], 9 * MIN)).toBe(0);
    expect(episodeStress([e], 11.5 * MIN)).toBeCloseTo(0.4, 9);
    expect(episodeStress([e], 15 * MIN)).toBe(0.8);
    expect(episodeStress([e], 20 * MIN)).toBeCloseTo(0.4, 9);
    expect(episodeStress([e], 23 * MIN)).toBe(0);
  });

  it("demo scale: starts rising ~10 s after start, high by ~22 s, gone by ~55 s", () => {
    const m = createPersonModel({
      person: "alex",
      seed: 1,
      startAt: T0,
      timeScale: DEMO_TIME_SCALE,
      episodes: DEMO_EPISODES,
    });
    expect(m.stressAt(T0 + 9_000)).toBe(0);
    expect(m.stressAt(T0 + 12_000)).toBeGreaterThan(0);
    expect(m.stressAt(T0 + 22_000)).toBeCloseTo(0.9, 9);
    expect(m.stressAt(T0 + 30_000)).toBeCloseTo(0.9, 9);
    expect(m.stressAt(T0 + 55_000)).toBe(0);
  });

  it("repeats when asked", () => {
    const m = createPersonModel({ person: "a", seed: 1, startAt: T0, repeatEveryMs: 90 * MIN });
    expect(m.stressAt(T0 + 15 * MIN)).toBeCloseTo(m.stressAt(T0 + 105 * MIN), 9);
  });
});

describe("person model", () => {
  it("is deterministic for a seed, different across seeds", () => {
    expect(run(42, 5)).toEqual(run(42, 5));
    expect(run(43, 5).map((x) => x.p.hr)).not.toEqual(run(42, 5).map((x) => x.p.hr));
  });

  it("RR intervals are consistent with heart rate and fill the elapsed time", () => {
    const xs = run(7, 40);
    const errs = xs
      .filter((x) => x.p.rr.length >= 3)
      .map((x) => Math.abs(mean(x.p.rr) - 60_000 / x.p.hr) / (60_000 / x.p.hr));
    expect(mean(errs)).toBeLessThan(0.04);
    const all = xs.flatMap((x) => x.p.rr);
    expect(Math.abs(mean(all) - 60_000 / mean(xs.map((x) => x.p.hr)))).toBeLessThan(25);
    const covered = all.reduce((a, b) => a + b, 0);
    expect(covered).toBeGreaterThan(40 * MIN + 5000 - 3000);
    expect(covered).toBeLessThanOrEqual(40 * MIN + 5000);
  });

  it("stress raises HR, EDA and respiration, lowers RMSSD and skin temperature", () => {
    for (const seed of [1, 2, 3]) {
      const xs = run(seed, 25);
      const calm = xs.filter((x) => x.t < T0 + 9 * MIN && x.t > T0 + 1 * MIN).map((x) => x.p);
      const high = xs.filter((x) => x.stress >= 0.8).map((x) => x.p);
      expect(high.length).toBeGreaterThan(30);
      const avg = (ps: typeof calm, k: "hr" | "rmssd" | "eda" | "resp" | "skin_temp") =>
        mean(ps.map((p) => p[k] ?? Number.NaN));
      expect(avg(high, "hr") - avg(calm, "hr")).toBeGreaterThan(12);
      expect(avg(high, "rmssd")).toBeLessThan(avg(calm, "rmssd") * 0.75);
      expect(avg(high, "eda")).toBeGreaterThan(avg(calm, "eda") * 1.8);
      expect(avg(high, "resp")).toBeGreaterThan(avg(calm, "resp") + 2);
      expect(avg(high, "skin_temp")).toBeLessThan(avg(calm, "skin_temp"));
    }
  });

  it("personal parameters shift the baseline", () => {
    const fit = run(5, 8, 5000, { person: "sam", seed: 5, restingHr: 52, restingRmssd: 70, episodes: [] });
    expect(mean(fit.map((x) => x.p.hr))).toBeGreaterThan(46);
    expect(mean(fit.map((x) => x.p.hr))).toBeLessThan(58);
    expect(mean(fit.slice(2).map((x) => x.p.rmssd ?? 0))).toBeGreaterThan(50);
  });

  it("vendor stress score follows the script", () => {
    const xs = run(9, 25, 5000, { person: "a", seed: 9, vendorStress: true, episodes: DEFAULT_EPISODES });
    const calm = mean(xs.filter((x) => x.stress === 0).map((x) => x.p.stress ?? Number.NaN));
    const high = mean(xs.filter((x) => x.stress >= 0.8).map((x) => x.p.stress ?? Number.NaN));
    expect(calm).toBeLessThan(25);
    expect(high).toBeGreaterThan(65);
  });

  it("every payload is accepted by the native adapter", () => {
    const ctx = { person: "alex", topic: "calm/alex/wearable", received_at: T0 };
    for (const { p } of run(11, 30, 5000, { person: "alex", seed: 11, vendorStress: true })) {
      const r = nativeAdapter.parse(JSON.stringify(p), ctx);
      if (!r.ok) throw new Error(`${r.reason}: ${r.detail} in ${JSON.stringify(p)}`);
      expect(r.samples[0]?.source).toBe("wearable-sim");
    }
  });

  it("a long gap between calls is not backfilled with hundreds of beats", () => {
    const m = createPersonModel({ person: "a", seed: 1, startAt: T0 });
    m.next(T0);
    const p = m.next(T0 + 60 * MIN);
    expect(p.rr.length).toBeLessThan(10);
    expect(p.rr.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5000);
    expect(m.next(T0 + 60 * MIN + 5000).rr.length).toBeLessThan(10);
  });
});
