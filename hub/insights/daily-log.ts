import type { z } from "zod";
import { addDays, localDate, type Sample, type StressState } from "../core/index.js";
import { type ActivityDay, ActivityDaySchema, type StressHour, StressHourSchema } from "./compute.js";

export const STRESS_HOUR_SCOPE = "stress_hour";
export const ACTIVITY_DAY_SCOPE = "activity_day";

const HOUR_MS = 3_600_000;
/** A gap between sleep readings longer than this is not counted as sleep (the watch was off). */
const MAX_SLEEP_GAP_MS = 15 * 60_000;
const NOON_MS = 12 * HOUR_MS;

export interface DailyLogStore {
  get<T>(scope: string, key: string, schema: z.ZodType<T>): T | undefined;
  put(scope: string, key: string, value: unknown, updatedAt: number, at?: number): void;
}

/**
 * The long memory behind the weekly insights: per person, each local hour's stress (how many estimates, their
 * mean, how many were high) and each day's steps and night's sleep. Scores otherwise live 24 h in memory only,
 * and raw readings are kept for a shorter time than the weeks a relation needs. Only these summaries go to the
 * store (once a minute and on stop), never a raw value; they are the person's data like any other: exported,
 * deleted and pruned with the episode history.
 */
export class DailyLog {
  private readonly store: DailyLogStore;
  private readonly timeZone: () => string;
  private readonly hours = new Map<string, StressHour>();
  private readonly days = new Map<string, ActivityDay>();
  private readonly lastSleep = new Map<string, { at: number; asleep: boolean }>();

  constructor(store: DailyLogStore, timeZone: () => string) {
    this.store = store;
    this.timeZone = timeZone;
  }

  observeStress(state: Pick<StressState, "person" | "at" | "score" | "level">): void {
    if (!Number.isFinite(state.at) || !Number.isFinite(state.score)) return;
    const at = Math.floor(state.at / HOUR_MS) * HOUR_MS;
    const key = `${state.person}:${at}`;
    const h = this.hours.get(key) ?? { person: state.person, at, n: 0, mean: 0, high_n: 0 };
    h.mean = (h.mean * h.n + state.score) / (h.n + 1);
    h.n++;
    if (state.level === "high") h.high_n++;
    this.hours.set(key, h);
  }

  observeSample(sample: Pick<Sample, "person" | "measured_at" | "steps" | "sleep">): void {
    if (sample.steps !== undefined && sample.steps > 0)
      this.day(sample.person, localDate(sample.measured_at, this.timeZone())).steps += sample.steps;
    if (sample.sleep !== undefined && sample.sleep !== "unknown") {
      const last = this.lastSleep.get(sample.person);
      // Sleep is the night before the day it ends in: noon to noon.
      const night = localDate(sample.measured_at + NOON_MS, this.timeZone());
      const d = this.day(sample.person, night);
      d.sleep_known = true;
      if (last?.asleep && sample.measured_at > last.at && sample.measured_at - last.at <= MAX_SLEEP_GAP_MS)
        d.asleep_min += (sample.measured_at - last.at) / 60_000;
      this.lastSleep.set(sample.person, { at: sample.measured_at, asleep: sample.sleep === "asleep" });
    }
  }

  /** Adds what was gathered since the last flush to the stored summaries. */
  flush(now: number): void {
    for (const [key, h] of this.hours) {
      const stored = this.store.get(STRESS_HOUR_SCOPE, key, StressHourSchema);
      const n = (stored?.n ?? 0) + h.n;
      const merged: StressHour = {
        person: h.person,
        at: h.at,
        n,
        mean: n > 0 ? ((stored?.mean ?? 0) * (stored?.n ?? 0) + h.mean * h.n) / n : 0,
        high_n: (stored?.high_n ?? 0) + h.high_n,
      };
      this.store.put(STRESS_HOUR_SCOPE, key, merged, now, h.at);
    }
    this.hours.clear();
    for (const [key, d] of this.days) {
      const stored = this.store.get(ACTIVITY_DAY_SCOPE, key, ActivityDaySchema);
      const merged: ActivityDay = {
        person: d.person,
        day: d.day,
        steps: (stored?.steps ?? 0) + d.steps,
        asleep_min: (stored?.asleep_min ?? 0) + d.asleep_min,
        sleep_known: (stored?.sleep_known ?? false) || d.sleep_known,
      };
      // Its time for retention: the day's noon, so that a day is kept as long as its hours are.
      this.store.put(ACTIVITY_DAY_SCOPE, key, merged, now, Date.parse(`${d.day}T12:00:00Z`));
    }
    this.days.clear();
  }

  /** Per-person delete: nothing of theirs is written after it. */
  forget(person: string): void {
    for (const map of [this.hours, this.days])
      for (const key of map.keys()) if (key.startsWith(`${person}:`)) map.delete(key);
    this.lastSleep.delete(person);
  }

  private day(person: string, day: string): ActivityDay {
    const key = `${person}:${day}`;
    let d = this.days.get(key);
    if (!d) {
      d = { person, day, steps: 0, asleep_min: 0, sleep_known: false };
      this.days.set(key, d);
    }
    return d;
  }
}

/** The local dates of `days` days up to `now`, oldest first (for seeding and tests). */
export function lastDays(now: number, timeZone: string, days: number): string[] {
  const to = localDate(now, timeZone);
  return Array.from({ length: days }, (_, i) => addDays(to, i - days + 1));
}
