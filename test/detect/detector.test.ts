import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DetectorConfigSchema } from "../../hub/config/index.js";
import { type StressState, StressStateSchema } from "../../hub/core/index.js";
import { createDetector, StressDetector } from "../../hub/detect/index.js";
import { sample, seconds, T0, wobble } from "./helpers.js";

const MIN = 60_000;

/** A detector that has learnt 10 calm minutes (heart rate about 65) from a chest strap. */
function calibrated(): { d: StressDetector; t: number } {
  const d = createDetector({ baseline: { time_zone: "UTC" } });
  for (const s of seconds(T0, 600, (i, at) => sample(at, { hr: 65 + wobble(i, 2) }))) d.update(s);
  return { d, t: T0 + 600_000 };
}

function run(d: StressDetector, from: number, count: number, hr: number, extra = {}): StressState[] {
  const out: StressState[] = [];
  for (const s of seconds(from, count, (i, at) => sample(at, { hr: hr + wobble(i, 1), ...extra }))) {
    const st = d.update(s);
    if (st) out.push(st);
  }
  return out;
}

describe("StressDetector levels", () => {
  it("learns a baseline, then reports calm and ready", () => {
    const { d } = calibrated();
    const st = d.state("ana");
    expect(st?.level).toBe("calm");
    expect(st?.baseline_ready).toBe(true);
    expect(StressStateSchema.parse(st)).toEqual(st);
  });

  it("one spike does not start an episode", () => {
    const { d, t } = calibrated();
    const states = [...run(d, t, 10, 120), ...run(d, t + 10_000, 120, 65)];
    expect(states.every((s) => s.level !== "high")).toBe(true);
    expect(states.at(-1)?.level).toBe("calm");
  });

  it("a sustained rise becomes high after the minimum duration, and recovery returns to calm", () => {
    const { d, t } = calibrated();
    const rise = run(d, t, 180, 100);
    const firstHigh = rise.findIndex((s) => s.level === "high");
    expect(firstHigh).toBeGreaterThanOrEqual(45);
    expect(firstHigh).toBeLessThan(120);
    const high = rise.at(-1);
    expect(high?.level).toBe("high");
    expect(high?.score).toBeGreaterThan(60);
    expect(high?.actionable).toBe(true);
    expect(high?.since).toBe(rise[firstHigh]?.at);
    expect(high?.reason).toMatch(/heart rate above your morning baseline/);
    expect(high?.reason).not.toMatch(/\d/);
    const recovery = run(d, t + 180_000, 300, 65);
    expect(recovery[30]?.level).toBe("high"); // a short dip does not end it
    expect(recovery.at(-1)?.level).toBe("calm");
  });

  it("exercise suppresses it and keeps suppressing during the cool-down", () => {
    const { d, t } = calibrated();
    const workout = run(d, t, 300, 130, { activity: "workout" });
    expect(workout.every((s) => s.level === "calm" && !s.actionable)).toBe(true);
    expect(workout.at(-1)?.reason).toMatch(/exercise/);
    const after = run(d, t + 300_000, 120, 110);
    expect(after.every((s) => s.level === "calm" && !s.actionable)).toBe(true);
    const steps = run(d, t + 420_000, 120, 130, { steps: 120 });
    expect(steps.every((s) => s.level === "calm")).toBe(true);
  });

  it("does not learn exercise as the resting norm", () => {
    const { d, t } = calibrated();
    run(d, t, 1800, 140, { activity: "active" });
    const end = t + 1800_000 + 700_000; // after the cool-down
    const states = run(d, end, 180, 100);
    expect(states.at(-1)?.level).toBe("high");
  });

  it("asleep: level still computed but not actionable", () => {
    const { d, t } = calibrated();
    const states = run(d, t, 180, 100, { sleep: "asleep" });
    expect(states.at(-1)?.level).toBe("high");
    expect(states.at(-1)?.actionable).toBe(false);
    expect(states.at(-1)?.reason).toMatch(/asleep/);
  });

  it("late readings update the baseline but are never actionable", () => {
    const d = createDetector();
    let last: StressState | undefined;
    for (const s of seconds(T0, 600, (i, at) =>
      sample(at, { hr: 65 + wobble(i, 2), received_at: at + 10 * MIN }),
    )) {
      last = d.update(s);
    }
    expect(last?.actionable).toBe(false);
    expect(last?.baseline_ready).toBe(true);
    expect(last?.reason).toMatch(/late/);
  });

  it("ignores out-of-order and low-quality readings for the level", () => {
    const { d, t } = calibrated();
    expect(d.update(sample(t - 300_000, { hr: 150 }))).toBeUndefined();
    expect(d.update(sample(t, { hr: 150, quality: 0.1 }))).toBeUndefined();
    expect(d.update(sample(t, { eda: 1 }))).toBeUndefined(); // nothing scored yet for skin conductance alone
  });

  it("keeps people apart", () => {
    const { d, t } = calibrated();
    run(d, t, 180, 100);
    expect(d.state("ana")?.level).toBe("high");
    d.update(sample(t, { person: "ben", hr: 70 }));
    expect(d.state("ben")?.level).toBe("calm");
    expect(d.state("ben")?.baseline_ready).toBe(false);
    expect(d.people().sort()).toEqual(["ana", "ben"]);
  });
});

describe("StressDetector without a baseline", () => {
  it("a vendor score of 90 alone maps to high at once (score 90)", () => {
    const d = createDetector();
    const st = d.update(sample(T0, { source: "native", stress: 90 }));
    expect(st?.level).toBe("high");
    expect(st?.score).toBe(90);
    expect(st?.baseline_ready).toBe(false);
    expect(st?.actionable).toBe(true);
    expect(st?.since).toBe(T0);
    expect(st?.reason).toMatch(/stress score/);
  });

  it("a low vendor score stays calm; a middling one needs the minimum duration", () => {
    const d = createDetector();
    expect(d.update(sample(T0, { stress: 20 }))?.level).toBe("calm");
    expect(d.update(sample(T0 + 1000, { stress: 50 }))?.level).toBe("calm");
    expect(d.update(sample(T0 + 60_000, { stress: 50 }))?.level).toBe("elevated");
  });

  it("a stale vendor score does not take the fast path", () => {
    const d = createDetector();
    const st = d.update(sample(T0, { stress: 95, received_at: T0 + 20 * MIN }));
    expect(st?.level).toBe("calm");
    expect(st?.actionable).toBe(false);
  });

  it("falls back to wide fixed heart-rate limits and says so", () => {
    const d = createDetector();
    const mild = run(d, T0, 120, 95);
    expect(mild.every((s) => s.level === "calm" && !s.baseline_ready)).toBe(true);
    const d2 = createDetector();
    const fast = run(d2, T0, 120, 150);
    expect(fast.at(-1)?.level).toBe("high");
    expect(fast.at(-1)?.baseline_ready).toBe(false);
    expect(fast.at(-1)?.reason).toMatch(/baseline still forming/);
  });

  it("computes heart rate and HRV from RR intervals when that is all there is", () => {
    const d = createDetector({ baseline: { time_zone: "UTC" } });
    let st: StressState | undefined;
    for (let i = 0; i < 600; i++) {
      // one reading per second with the beat(s) of that second, about 75 bpm with respiratory variation
      const rr = [800 + 40 * Math.sin(i / 2)];
      st = d.update(sample(T0 + i * 1000, { rr }));
    }
    expect(st?.baseline_ready).toBe(true);
    expect(st?.level).toBe("calm");
  });
});

describe("StressDetector persistence", () => {
  it("export/import round-trips through JSON and continues identically", () => {
    const { d, t } = calibrated();
    run(d, t, 60, 100);
    const json = JSON.parse(JSON.stringify(d.exportState()));
    const copy = new StressDetector({ baseline: { time_zone: "UTC" } });
    copy.importState(json);
    expect(copy.exportState()).toEqual(d.exportState());
    expect(copy.state("ana")).toEqual(d.state("ana"));
    const a = run(d, t + 60_000, 240, 100);
    const b = run(copy, t + 60_000, 240, 100);
    expect(b).toEqual(a);
    expect(() => copy.importState({ version: 1, persons: { x: { level: "panic" } } })).toThrow();
  });

  it("forgets a person", () => {
    const { d } = calibrated();
    expect(d.forget("ana")).toBe(true);
    expect(d.state("ana")).toBeUndefined();
  });

  it("config schema: strict, with defaults", () => {
    const cfg = DetectorConfigSchema.parse({});
    expect(cfg.vendor_high).toBe(70);
    expect(cfg.baseline.min_minutes).toBeGreaterThan(0);
    expect(() => DetectorConfigSchema.parse({ nope: 1 })).toThrow();
    expect(() => DetectorConfigSchema.parse({ baseline: { nope: 1 } })).toThrow();
    // The main config embeds it and publishes a JSON Schema of the whole.
    expect(z.toJSONSchema(DetectorConfigSchema, { io: "input" })).toHaveProperty("properties.high_enter");
  });
});

describe("StressDetector reasons", () => {
  it("says the level is easing off, not 'no sign of stress', while hysteresis holds a high level", () => {
    const d = new StressDetector();
    expect(d.update(sample(T0, { stress: 92 }))?.level).toBe("high");
    const after = d.update(sample(T0 + 10_000, { stress: 5 }));
    expect(after?.level).toBe("high");
    expect(after?.reason).toMatch(/^easing off; the level stays high/);
    expect(after?.reason).not.toMatch(/\d/);
  });
});
