import { describe, expect, it } from "vitest";
import {
  afterBreath,
  type BreathReading,
  halfBreathCall,
  halfBreathS,
  lightRange,
  type PaceState,
  startPace,
  volumeRange,
} from "../../hub/breathing/index.js";
import { parseConfig } from "../../hub/config/index.js";
import { ValidationError } from "../../hub/core/index.js";

const s = parseConfig("").breathing;

/** Breathes `n` times with the same reading each breath; returns every pace the guide asked for. */
function breaths(state: PaceState, n: number, reading: (p: PaceState) => BreathReading): PaceState[] {
  const out: PaceState[] = [];
  let p = state;
  for (let i = 0; i < n; i++) {
    p = afterBreath(p, reading(p), s);
    out.push(p);
  }
  return out;
}

describe("breathing guide: the first pace", () => {
  it("starts at the person's own respiration, within the configured bounds", () => {
    expect(startPace({ resp: 9.1, hr: 80 }, s)).toMatchObject({ from_bpm: 9, source: "respiration" });
    // Fast breathing does not make a fast guide, and a slow breather is not asked to go below the target.
    expect(startPace({ resp: 22 }, s).from_bpm).toBe(s.max_start_bpm);
    expect(startPace({ resp: 4 }, s).from_bpm).toBe(s.target_bpm);
  });

  it("derives a pace from heart rate without respiration, else uses the default", () => {
    const fromHr = startPace({ hr: 40 }, s);
    expect(fromHr.source).toBe("heart_rate");
    expect(fromHr.from_bpm).toBe(10);
    expect(startPace({ hr: 90 }, s).from_bpm).toBe(s.max_start_bpm);
    expect(startPace({}, s)).toMatchObject({ from_bpm: s.default_start_bpm, source: "default" });
  });
});

describe("breathing guide: slowing down", () => {
  it("slows step by step to the target while the person follows, then holds it", () => {
    const start = startPace({ resp: 10 }, s);
    // The person breathes at whatever the guide asks.
    const paces = breaths(start, 40, (p) => ({ resp: p.pace_bpm })).map((p) => p.pace_bpm);
    expect(paces[0]).toBe(10);
    for (let i = 1; i < paces.length; i++) expect(paces[i]).toBeLessThanOrEqual(paces[i - 1] ?? 99);
    expect(paces.at(-1)).toBe(s.target_bpm);
    expect(Math.min(...paces)).toBe(s.target_bpm);
    // 10 → 6 in 0.5 steps, each after three breaths: the target is reached after 24 breaths.
    expect(paces.indexOf(s.target_bpm)).toBe(((10 - 6) / s.step_bpm) * s.breaths_per_step - 1);
  });

  it("slows more gently when breathing does not follow: holds longer and takes smaller steps", () => {
    const start = startPace({ resp: 10 }, s);
    const followed = breaths(start, 12, (p) => ({ resp: p.pace_bpm }));
    const ignored = breaths(start, 12, () => ({ resp: 14 }));
    expect(ignored.every((p) => p.following === false)).toBe(true);
    expect(followed.at(-1)?.pace_bpm).toBe(8);
    // Twelve breaths behind the pace: two gentle steps of a quarter breath.
    expect(ignored.at(-1)?.pace_bpm).toBe(9.5);
    expect((ignored.at(-1)?.pace_bpm ?? 0) > (followed.at(-1)?.pace_bpm ?? 0)).toBe(true);
  });

  it("judges by heart rate when there is no respiration: a climbing heart rate is not following", () => {
    const start = startPace({ hr: 72 }, s);
    const calmHeart = breaths(start, 6, () => ({ hr: 70 }));
    const climbing = breaths(start, 6, (_p) => ({ hr: 80 }));
    expect(calmHeart.at(-1)?.following).toBe(true);
    expect(climbing.at(-1)?.following).toBe(false);
    expect(climbing.at(-1)?.pace_bpm ?? 0).toBeGreaterThan(calmHeart.at(-1)?.pace_bpm ?? 0);
  });

  it("keeps the default schedule when nothing is measured", () => {
    const paces = breaths(startPace({}, s), 3, () => ({}));
    expect(paces.at(-1)).toMatchObject({ pace_bpm: 9.5, following: null });
  });
});

describe("breathing guide: calls and caps", () => {
  it("makes one call per half-breath whose transition is the half-breath", () => {
    const range = { high: 90, low: 54 };
    const medium = { kind: "light" as const, entity_id: "light.den", range };
    expect(halfBreathS(6)).toBe(5);
    expect(halfBreathCall(medium, "in", 6)).toEqual({
      domain: "light",
      service: "turn_on",
      target: { entity_id: "light.den" },
      data: { brightness: 90, transition: 5 },
    });
    expect(halfBreathCall(medium, "out", 7.5).data).toEqual({ brightness: 54, transition: 4 });
  });

  it("never changes the light faster than the cap, never brighter than it was, never off", () => {
    for (const base of [1, 5, 40, 89, 180, 255]) {
      for (const pace of [6, 7.5, 10, 12]) {
        const r = lightRange(base, pace, s);
        expect(r.high).toBe(base);
        expect(r.low).toBeGreaterThanOrEqual(1);
        expect(r.low).toBeLessThanOrEqual(r.high);
        const perSecond = (r.high - r.low) / halfBreathS(pace);
        expect(perSecond).toBeLessThanOrEqual((s.max_change_pct_per_s * 255) / 100 + 0.5);
      }
    }
    // A bright light at a fast pace is held to the cap; at six breaths a minute it gets its full depth.
    const fast = lightRange(255, 12, { depth_pct: 40, max_change_pct_per_s: 8 });
    expect(255 - fast.low).toBe(Math.round(0.08 * 255 * 2.5));
    const slow = lightRange(255, 6, { depth_pct: 40, max_change_pct_per_s: 8 });
    expect(255 - slow.low).toBe(Math.round(0.4 * 255));
  });

  it("dips the volume on the exhale and never goes above where it was", () => {
    expect(volumeRange(0.3, 0.08)).toEqual({ high: 0.3, low: 0.22 });
    expect(volumeRange(0.05, 0.08)).toEqual({ high: 0.05, low: 0 });
    const medium = { kind: "volume" as const, entity_id: "media_player.den", range: volumeRange(0.3, 0.08) };
    expect(halfBreathCall(medium, "out", 6)).toMatchObject({
      service: "volume_set",
      data: { volume_level: 0.22 },
    });
  });

  it("refuses a target above the highest start pace in the config", () => {
    let issues: string[] = [];
    try {
      parseConfig("breathing: { target_bpm: 9, max_start_bpm: 8 }");
    } catch (err) {
      if (err instanceof ValidationError) issues = err.issues.map((i) => `${i.path}: ${i.message}`);
    }
    expect(issues).toEqual([expect.stringMatching(/^breathing\.target_bpm: target_bpm must not be above/)]);
  });
});
