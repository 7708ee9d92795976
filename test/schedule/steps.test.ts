import { describe, expect, it } from "vitest";
import {
  handBackAt,
  planWindDowns,
  stepAt,
  type WindDownPlan,
  windDownSteps,
} from "../../hub/schedule/index.js";
import { berlin, MINUTE, minutesBetween, windDown } from "./fixtures.js";

function plan(input: Parameters<typeof windDown>[0], from = "2026-09-15"): WindDownPlan {
  const [p] = planWindDowns(windDown(input), { from, days: 1, location: berlin });
  if (!p) throw new Error("no plan");
  return p;
}

const bedtime = plan({
  rooms: ["bedroom"],
  start: { bedtime: "22:30" },
  duration_min: 45,
  night: { brightness_pct: 5, color_temp_kelvin: 2000 },
  steps: { interval_min: 5 },
});

function expectMonotone(steps: ReturnType<typeof windDownSteps>): void {
  for (let i = 1; i < steps.length; i++) {
    const [a, b] = [steps[i - 1], steps[i]];
    if (!a || !b) throw new Error("step missing");
    expect(b.brightness_pct).toBeLessThanOrEqual(a.brightness_pct);
    expect(b.color_temp_kelvin).toBeLessThanOrEqual(a.color_temp_kelvin);
    expect(Date.parse(b.at)).toBeGreaterThan(Date.parse(a.at));
  }
}

describe("windDownSteps", () => {
  it("steps evenly from start to end, never brighter or cooler, ending at the night setting", () => {
    const steps = windDownSteps(bedtime, { brightness_pct: 90, color_temp_kelvin: 3500 });
    expect(steps).toHaveLength(10);
    expect(steps[0]?.at).toBe(bedtime.start);
    expect(steps.at(-1)).toEqual({ at: bedtime.end, brightness_pct: 5, color_temp_kelvin: 2000 });
    expect(steps[0]?.brightness_pct).toBeLessThan(90);
    expect(steps[0]?.color_temp_kelvin).toBeLessThan(3500);
    expectMonotone(steps);
    for (let i = 1; i < steps.length; i++) {
      expect(minutesBetween(steps[i - 1]?.at ?? "", steps[i]?.at ?? "")).toBe(5);
      expect((steps[i - 1]?.brightness_pct ?? 0) - (steps[i]?.brightness_pct ?? 0)).toBeLessThanOrEqual(10);
    }
  });

  it("uses the default start when the room's state is unknown or partial", () => {
    const steps = windDownSteps(bedtime, { brightness_pct: 40 });
    expect(steps[0]?.brightness_pct).toBeLessThan(40);
    expect(steps[0]?.color_temp_kelvin).toBeLessThan(3000);
    expectMonotone(windDownSteps(bedtime));
  });

  it("leaves a room that is already dimmer and warmer than the night setting alone", () => {
    const steps = windDownSteps(bedtime, { brightness_pct: 3, color_temp_kelvin: 1800 });
    for (const s of steps) expect(s).toMatchObject({ brightness_pct: 3, color_temp_kelvin: 1800 });
  });

  it("honours a step count, with a non-divisible interval keeping every gap within it", () => {
    const counted = plan({
      rooms: ["r"],
      start: { bedtime: "22:00" },
      duration_min: 30,
      steps: { count: 4 },
    });
    expect(windDownSteps(counted).map((s) => s.at.slice(11, 16))).toEqual([
      "21:30",
      "21:40",
      "21:50",
      "22:00",
    ]);
    const odd = plan({
      rooms: ["r"],
      start: { bedtime: "22:00" },
      duration_min: 50,
      steps: { interval_min: 15 },
    });
    const steps = windDownSteps(odd);
    expect(steps).toHaveLength(5);
    for (let i = 1; i < steps.length; i++) {
      expect(minutesBetween(steps[i - 1]?.at ?? "", steps[i]?.at ?? "")).toBeLessThanOrEqual(15);
    }
    const single = plan({ rooms: ["r"], start: { bedtime: "22:00" }, steps: { count: 1 } });
    expect(windDownSteps(single)).toEqual([
      { at: single.start, brightness_pct: 10, color_temp_kelvin: 2200 },
    ]);
  });

  it("stamps steps across the autumn DST change with the right offsets", () => {
    const night = plan(
      { rooms: ["r"], start: { bedtime: "03:30" }, duration_min: 120, steps: { count: 5 } },
      "2026-10-24",
    );
    const at = windDownSteps(night).map((s) => s.at);
    expect(at).toEqual([
      "2026-10-25T02:30:00+02:00",
      "2026-10-25T02:00:00+01:00",
      "2026-10-25T02:30:00+01:00",
      "2026-10-25T03:00:00+01:00",
      "2026-10-25T03:30:00+01:00",
    ]);
  });
});

describe("stepAt", () => {
  const start = Date.parse(bedtime.start);
  const state = { brightness_pct: 90, color_temp_kelvin: 3500 };
  const steps = windDownSteps(bedtime, state);

  it("is pending before the start", () => {
    expect(stepAt(bedtime, start - 1, state)).toEqual({
      status: "pending",
      index: -1,
      step: undefined,
      next: steps[0],
      handBackAt: bedtime.end,
    });
  });

  it("resumes at the step in effect mid-way", () => {
    const pos = stepAt(bedtime, start + 17 * MINUTE, state);
    expect(pos.status).toBe("running");
    expect(pos.index).toBe(3);
    expect(pos.step).toEqual(steps[3]);
    expect(pos.next).toEqual(steps[4]);
    expect(stepAt(bedtime, start, state).index).toBe(0);
    expect(stepAt(bedtime, start + 20 * MINUTE, state).index).toBe(4);
  });

  it("is done at the hand-back time, with the night setting in effect", () => {
    const pos = stepAt(bedtime, Date.parse(bedtime.end), state);
    expect(pos).toMatchObject({ status: "done", index: 9, next: undefined });
    expect(pos.step).toMatchObject({ brightness_pct: 5, color_temp_kelvin: 2000 });
    expect(handBackAt(bedtime)).toBe("2026-09-15T22:30:00+02:00");
  });
});
