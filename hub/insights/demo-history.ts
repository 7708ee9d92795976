import { seededRandom, zonedInstant } from "../core/index.js";
import type { ActivityDay, StressHour } from "./compute.js";
import { lastDays } from "./daily-log.js";

/**
 * Made-up weeks for the demo only (never for a real home): stress that runs high on weekday mornings and
 * after short nights, and more steps on calmer days, so that the insights panel has something to show.
 */
export function demoHistory(
  person: string,
  now: number,
  timeZone: string,
  days = 28,
  seed = 1,
): { hours: StressHour[]; days: ActivityDay[] } {
  const rand = seededRandom(seed);
  const hours: StressHour[] = [];
  const out: ActivityDay[] = [];
  for (const day of lastDays(now, timeZone, days + 1).slice(0, days)) {
    const sleepH = 5 + rand() * 3.5;
    const short = Math.max(0, 7 - sleepH);
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    const workday = weekday >= 1 && weekday <= 5;
    let daySum = 0;
    for (let hour = 7; hour < 23; hour++) {
      const morning = workday && hour >= 8 && hour <= 10 ? 25 : 0;
      const mean = Math.min(95, 28 + morning + short * 9 + rand() * 12);
      const n = 30;
      const high_n = Math.round(n * Math.max(0, Math.min(1, (mean - 45) / 40)));
      daySum += mean;
      hours.push({ person, at: zonedInstant(day, { hour, minute: 0 }, timeZone), n, mean, high_n });
    }
    const steps = Math.round(Math.max(500, 14_000 - (daySum / 16) * 120 + rand() * 2_000));
    out.push({ person, day, steps, asleep_min: Math.round(sleepH * 60), sleep_known: true });
  }
  return { hours, days: out };
}
