/** The light steps of one wind-down, and which of them is in effect at a given moment. */

import { z } from "zod";
import type { LightSetting } from "../config/index.js";
import { formatZoned } from "../core/index.js";
import type { WindDownPlan } from "./plan.js";

/** What the room's lights show when the wind-down starts; missing fields fall back to the default. */
export const StartStateSchema = z.object({
  brightness_pct: z.number().optional(),
  color_temp_kelvin: z.number().optional(),
});
export type StartState = z.infer<typeof StartStateSchema>;

/** Assumed start when the room's current setting is unknown: ordinary warm-white evening light. */
export const DEFAULT_START_STATE: Readonly<LightSetting> = { brightness_pct: 80, color_temp_kelvin: 3000 };

export interface WindDownStep {
  /** ISO 8601 with the local offset. */
  at: string;
  brightness_pct: number;
  color_temp_kelvin: number;
}

export interface StepPosition {
  /** pending: before start; running: between start and end; done: at or after end (hand back). */
  status: "pending" | "running" | "done";
  /** Index into windDownSteps(plan) of the step in effect; -1 while pending. */
  index: number;
  step: WindDownStep | undefined;
  next: WindDownStep | undefined;
  handBackAt: string;
}

function pick(value: number | undefined, fallback: number, min: number, max: number): number {
  return value === undefined || !Number.isFinite(value) ? fallback : Math.min(max, Math.max(min, value));
}

/**
 * step_count light changes from the start setting toward the night setting, evenly spread from
 * `start` (the first, small change) to `end` (the night setting). Brightness never rises and colour
 * temperature never gets cooler: a room already dimmer or warmer than the night setting keeps that.
 */
export function windDownSteps(plan: WindDownPlan, startState?: StartState): WindDownStep[] {
  const fromB = pick(startState?.brightness_pct, DEFAULT_START_STATE.brightness_pct, 0, 100);
  const fromK = pick(startState?.color_temp_kelvin, DEFAULT_START_STATE.color_temp_kelvin, 1000, 10000);
  const toB = Math.min(fromB, plan.night.brightness_pct);
  const toK = Math.min(fromK, plan.night.color_temp_kelvin);
  const n = Math.max(1, Math.floor(plan.step_count));
  const start = Date.parse(plan.start);
  const span = Date.parse(plan.end) - start;
  const steps: WindDownStep[] = [];
  for (let k = 1; k <= n; k++) {
    const fraction = k / n;
    const at = n === 1 ? start : start + Math.round((span * (k - 1)) / (n - 1) / 1000) * 1000;
    steps.push({
      at: formatZoned(at, plan.time_zone),
      brightness_pct: k === n ? toB : Math.round(fromB + (toB - fromB) * fraction),
      color_temp_kelvin: k === n ? toK : Math.round(fromK + (toK - fromK) * fraction),
    });
  }
  return steps;
}

/** When the wind-down gives the lights back to the household: its end (the bedtime, if any). */
export function handBackAt(plan: WindDownPlan): string {
  return plan.end;
}

/** Which step should be in effect at `now` (epoch ms), so a restarted hub resumes where it was. */
export function stepAt(plan: WindDownPlan, now: number, startState?: StartState): StepPosition {
  const steps = windDownSteps(plan, startState);
  const handBack = handBackAt(plan);
  let index = -1;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step && Date.parse(step.at) <= now) index = i;
  }
  const status = now < Date.parse(plan.start) ? "pending" : now >= Date.parse(handBack) ? "done" : "running";
  if (status === "done") index = steps.length - 1;
  return {
    status,
    index,
    step: index >= 0 ? steps[index] : undefined,
    next: status === "done" ? undefined : steps[index + 1],
    handBackAt: handBack,
  };
}
