import { describe, expect, it } from "vitest";
import type { DetectorConfigInput } from "../../hub/config/index.js";
import type { Sample, StressState } from "../../hub/core/index.js";
import { StressDetector } from "../../hub/detect/index.js";
import { sample, T0, wobble } from "./helpers.js";

/**
 * A wristband afternoon, one reading a second: skin conductance (uS) as a function of the second, heart
 * rate steady. Calm at 2 uS; two tasks raise it by half, and it stays up in between, as on the wrist.
 */
function eda(s: number): number {
  const base = 2 + wobble(s, 0.01);
  if (s < 900) return base;
  if (s < 1200) return base * (1 + 0.5 * Math.min(1, (s - 900) / 60)); // task 1: up within a minute
  if (s < 1800) return base * 1.5; // stays up through the rest
  if (s < 2100) return base * (1.5 + 0.75 * Math.min(1, (s - 1800) / 60)); // task 2: up again from there
  return base * 2.25;
}

function wristband(s: number, extra: Partial<Sample> = {}): Sample {
  return sample(T0 + s * 1000, { source: "e4", hr: 72 + wobble(s, 1.5), eda: eda(s), ...extra });
}

function replay(
  d: StressDetector,
  from: number,
  to: number,
  extra: (s: number) => Partial<Sample> = () => ({}),
): (StressState | undefined)[] {
  const out: (StressState | undefined)[] = [];
  for (let s = from; s < to; s++) out.push(d.update(wristband(s, extra(s))));
  return out;
}

/** Seconds at which the level switched to "high". */
function switchOns(states: readonly (StressState | undefined)[], from = 0): number[] {
  const out: number[] = [];
  let prev = "calm";
  states.forEach((st, i) => {
    const level = st?.level ?? prev;
    if (level === "high" && prev !== "high") out.push(from + i);
    prev = level;
  });
  return out;
}

describe("onset change detector", () => {
  it("switches high on at each new rise and off in between, where the long baseline stays high", () => {
    const states = replay(new StressDetector(), 0, 2700);
    const ons = switchOns(states);
    expect(ons).toHaveLength(2);
    expect(ons[0]).toBeGreaterThanOrEqual(900);
    expect(ons[0]).toBeLessThan(1020);
    expect(ons[1]).toBeGreaterThanOrEqual(1800);
    expect(ons[1]).toBeLessThan(1920);
    // Off again well before the second task, although skin conductance never came down.
    expect(states[1700]?.level).not.toBe("high");
    expect(states[1700]?.score).toBeLessThan(60);
    expect(states[ons[0] ?? 0]?.reason).toMatch(/new rise/);

    const before: DetectorConfigInput = { onset: { enabled: false } };
    const old = switchOns(replay(new StressDetector(before), 0, 2700));
    expect(old).toHaveLength(1); // one episode from the first task on: the second task says nothing new
  });

  it("ignores skin conductance while the band settles after being put on", () => {
    // The same rise, 3 minutes after the band is put on.
    const d = new StressDetector();
    const states: (StressState | undefined)[] = [];
    for (let s = 0; s < 600; s++) {
      const e = 2 * (s < 180 ? 1 : 1 + 0.5 * Math.min(1, (s - 180) / 60)) + wobble(s, 0.01);
      states.push(d.update(wristband(s, { eda: e })));
    }
    expect(switchOns(states)).toEqual([]);
  });

  it("does not call a rise during exercise stress", () => {
    const states = replay(new StressDetector(), 0, 1300, (s) => (s >= 880 ? { activity: "workout" } : {}));
    expect(switchOns(states)).toEqual([]);
    expect(states.at(-1)?.actionable).toBe(false);
  });

  it("resumes mid-episode after a restart exactly as if it had never stopped", () => {
    const through = new StressDetector();
    const all = replay(through, 0, 2700);
    const first = new StressDetector();
    replay(first, 0, 1000);
    expect(first.state("ana")?.level).toBe("high");
    const restarted = new StressDetector();
    restarted.importState(JSON.parse(JSON.stringify(first.exportState())));
    const rest = replay(restarted, 1000, 2700);
    expect(rest).toEqual(all.slice(1000));
    expect(rest[0]?.level).toBe("high");
    expect(rest[0]?.since).toBe(all[999]?.since);
  });

  it("exports and restores a person whose only reading had nothing usable", () => {
    const d = new StressDetector();
    expect(d.update(sample(T0, { source: "e4", steps: 3 }))).toBeUndefined();
    const restored = new StressDetector();
    restored.importState(JSON.parse(JSON.stringify(d.exportState())));
    expect(restored.people()).toEqual(["ana"]);
  });

  it("reads state saved before the onset detector existed", () => {
    const d = new StressDetector();
    replay(d, 0, 600);
    const saved = d.exportState();
    const ana = saved.persons.ana;
    if (!ana) throw new Error("no state for ana");
    const { onset: _onset, shown: _shown, ...older } = ana;
    const restored = new StressDetector();
    restored.importState({ version: 1, persons: { ana: older } });
    const ons = switchOns(replay(restored, 600, 2700), 600);
    expect(ons[0]).toBeGreaterThanOrEqual(900);
  });
});
