/** The wind-down a runtime scheduler should arm next. */

import type { Location, WindDownConfig } from "../config/index.js";
import { addDays, localDate } from "../core/index.js";
import { plansOn, type WindDownPlan } from "./plan.js";

/** Evenings searched: yesterday (a late wind-down may still run after midnight) and the next week. */
const LOOK_BACK_DAYS = 1;
const LOOK_AHEAD_DAYS = 8;

/**
 * The wind-down in progress at `now` (epoch ms), or else the next one to start; undefined when none
 * runs in the coming week (all disabled). With several rooms at once, the earliest start wins, then
 * the room id.
 */
export function nextWindDown(
  config: WindDownConfig | readonly WindDownConfig[],
  location: Location,
  now: number,
): WindDownPlan | undefined {
  const configs: readonly WindDownConfig[] = Array.isArray(config) ? config : [config as WindDownConfig];
  const today = localDate(now, location.time_zone);
  let best: WindDownPlan | undefined;
  for (let i = -LOOK_BACK_DAYS; i <= LOOK_AHEAD_DAYS; i++) {
    for (const plan of plansOn(configs, addDays(today, i), location)) {
      if (Date.parse(plan.end) <= now) continue;
      const order = best ? Date.parse(plan.start) - Date.parse(best.start) : -1;
      if (!best || order < 0 || (order === 0 && plan.room < best.room)) best = plan;
    }
  }
  return best;
}
