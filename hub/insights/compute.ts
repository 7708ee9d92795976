import { z } from "zod";
import { addDays, localDate, localParts, WEEKDAYS, type Weekday, weekdayOf } from "../core/index.js";

/** One local hour of a person's stress estimates, as the daily log keeps it. */
export const StressHourSchema = z.object({
  person: z.string(),
  /** Start of the hour, epoch ms. */
  at: z.number(),
  /** Estimates in the hour, their mean score and how many were "high". */
  n: z.number().int().min(0),
  mean: z.number(),
  high_n: z.number().int().min(0),
});
export type StressHour = z.infer<typeof StressHourSchema>;

/** One local day of activity: steps counted that day, sleep in the night before it. */
export const ActivityDaySchema = z.object({
  person: z.string(),
  /** Local date, YYYY-MM-DD. */
  day: z.string(),
  steps: z.number().min(0),
  /** Minutes asleep between noon the day before and noon this day. */
  asleep_min: z.number().min(0),
  /** Whether any sleep reading came in for that night (0 minutes with none means "not known"). */
  sleep_known: z.boolean(),
});
export type ActivityDay = z.infer<typeof ActivityDaySchema>;

export interface MoodPoint {
  at: number;
  valence: number;
}

export interface RecipeOutcome {
  recipe_id: string;
  recipe_title: string;
  started_at: number;
  minutes_to_calm: number | null;
  auc_15min: number | null;
  stopped_by_person: boolean;
}

export interface InsightInput {
  hours: readonly StressHour[];
  days: readonly ActivityDay[];
  moods: readonly MoodPoint[];
  outcomes: readonly RecipeOutcome[];
}

/** Below this many days with both values a relation is not stated. */
export const MIN_DAYS = 14;
/** An hour counts towards the heatmap only with this many estimates in it. */
const MIN_ESTIMATES_PER_HOUR = 3;

const CellSchema = z.object({
  weekday: z.enum(WEEKDAYS),
  hour: z.number().int().min(0).max(23),
  /** Share of estimates that were high, 0-1; null without data. */
  high_share: z.number().nullable(),
  hours: z.number().int(),
});

const RecipeRowSchema = z.object({
  recipe_id: z.string(),
  title: z.string(),
  runs: z.number().int(),
  mean_minutes_to_calm: z.number().nullable(),
  calm_within_15_min: z.number().nullable().describe("Share of runs calm within 15 minutes, 0-1."),
  stopped_by_you: z.number().int(),
});

const RelationSchema = z.object({
  id: z.enum(["sleep_next_day", "steps_same_day", "mood_same_day"]),
  title: z.string(),
  days: z.number().int().describe("Days with both values behind the figure."),
  needed_days: z.number().int(),
  /** Spearman's rank correlation, -1..1; null when there is too little data. */
  rho: z.number().nullable(),
  holds: z.boolean().describe("Enough days and a relation unlikely to be chance (p < 0.05)."),
  words: z.string(),
  /** [x, y] per day, for a scatter plot: x the activity, sleep or mood, y the day's mean stress score. */
  points: z.array(z.tuple([z.number(), z.number()])),
  x_label: z.string(),
});

export const InsightsSchema = z.object({
  person: z.string(),
  from: z.string().describe("First local date of the week summarised."),
  to: z.string(),
  time_zone: z.string(),
  week: z.object({
    hours_with_data: z.number().int(),
    high_share: z.number().nullable(),
    words: z.string(),
  }),
  heatmap: z.array(CellSchema),
  busiest: z.object({
    hours: z.array(z.object({ hour: z.number().int(), high_share: z.number() })),
    weekday: z.object({ weekday: z.enum(WEEKDAYS), high_share: z.number() }).nullable(),
    words: z.string(),
  }),
  recipes: z.array(RecipeRowSchema),
  relations: z.array(RelationSchema),
});
export type Insights = z.infer<typeof InsightsSchema>;

const WEEKDAY_NAMES: Record<Weekday, string> = {
  mon: "Mondays",
  tue: "Tuesdays",
  wed: "Wednesdays",
  thu: "Thursdays",
  fri: "Fridays",
  sat: "Saturdays",
  sun: "Sundays",
};

function pct(share: number): string {
  return `${Math.round(share * 100)} %`;
}

function hourWords(h: number): string {
  return `${String(h).padStart(2, "0")}:00-${String((h + 1) % 24).padStart(2, "0")}:00`;
}

/**
 * A person's week in numbers and plain words: when stress ran high, which calm recipes helped, and the relations
 * that hold with enough days behind them. Pure: the caller reads the records and gives the clock and zone.
 * Wording stays non-medical: it describes the person's own readings, never a condition.
 */
export function computeInsights(
  person: string,
  input: InsightInput,
  now: number,
  timeZone: string,
  days = 7,
): Insights {
  const to = localDate(now, timeZone);
  const from = addDays(to, -(days - 1));
  const inWeek = (date: string) => date >= from && date <= to;

  // Heatmap and busiest times over the week.
  const cells = new Map<string, { n: number; high: number; hours: number }>();
  let weekN = 0;
  let weekHigh = 0;
  let hoursWithData = 0;
  const byHour = new Map<number, { n: number; high: number; hours: number }>();
  const byWeekday = new Map<Weekday, { n: number; high: number }>();
  for (const h of input.hours) {
    if (h.n < MIN_ESTIMATES_PER_HOUR) continue;
    const date = localDate(h.at, timeZone);
    if (!inWeek(date)) continue;
    const hour = localParts(h.at, timeZone).hour;
    const wd = weekdayOf(date);
    const key = `${wd}:${hour}`;
    const c = cells.get(key) ?? { n: 0, high: 0, hours: 0 };
    c.n += h.n;
    c.high += h.high_n;
    c.hours++;
    cells.set(key, c);
    const bh = byHour.get(hour) ?? { n: 0, high: 0, hours: 0 };
    bh.n += h.n;
    bh.high += h.high_n;
    bh.hours++;
    byHour.set(hour, bh);
    const bw = byWeekday.get(wd) ?? { n: 0, high: 0 };
    bw.n += h.n;
    bw.high += h.high_n;
    byWeekday.set(wd, bw);
    weekN += h.n;
    weekHigh += h.high_n;
    hoursWithData++;
  }
  const heatmap = WEEKDAYS.flatMap((weekday) =>
    Array.from({ length: 24 }, (_, hour) => {
      const c = cells.get(`${weekday}:${hour}`);
      return { weekday, hour, high_share: c && c.n > 0 ? c.high / c.n : null, hours: c?.hours ?? 0 };
    }),
  );
  const weekShare = weekN > 0 ? weekHigh / weekN : null;
  const busiestHours = [...byHour]
    .filter(([, v]) => v.n > 0 && v.high > 0)
    .map(([hour, v]) => ({ hour, high_share: v.high / v.n }))
    .sort((a, b) => b.high_share - a.high_share || a.hour - b.hour)
    .slice(0, 3);
  const weekdays = [...byWeekday].filter(([, v]) => v.n > 0 && v.high > 0);
  const topDay = weekdays.sort((a, b) => b[1].high / b[1].n - a[1].high / a[1].n)[0];
  const busiestWeekday = topDay ? { weekday: topDay[0], high_share: topDay[1].high / topDay[1].n } : null;

  // Recipes: every retained run (the week alone is too few to say which helps).
  const recipes = recipeRows(input.outcomes);

  // Relations over every retained day, by local date.
  const daily = dailyStress(input.hours, timeZone);
  const relations = [
    relation(
      "sleep_next_day",
      "Sleep and the next day's stress",
      "hours of sleep the night before",
      input.days.filter((d) => d.sleep_known).map((d) => [d.asleep_min / 60, daily.get(d.day)] as const),
      (rho) =>
        rho < 0
          ? "after nights with more sleep, your stress ran lower the next day"
          : "after nights with more sleep, your stress ran higher the next day",
    ),
    relation(
      "steps_same_day",
      "Steps and stress on the same day",
      "thousand steps",
      input.days.map((d) => [d.steps / 1000, daily.get(d.day)] as const),
      (rho) =>
        rho < 0
          ? "on days you walked more, your stress ran lower"
          : "on days you walked more, your stress ran higher",
    ),
    relation(
      "mood_same_day",
      "Mood and stress on the same day",
      "mood (from low to great)",
      moodByDay(input.moods, timeZone).map(([day, v]) => [v, daily.get(day)] as const),
      (rho) =>
        rho < 0
          ? "on days you told a better mood, your stress ran lower"
          : "on days you told a better mood, your stress ran higher",
    ),
  ];

  return {
    person,
    from,
    to,
    time_zone: timeZone,
    week: {
      hours_with_data: hoursWithData,
      high_share: weekShare,
      words:
        weekShare === null
          ? "No stress readings this week yet."
          : `Your stress was high ${pct(weekShare)} of the time this week (${hoursWithData} hours with readings).`,
    },
    heatmap,
    busiest: {
      hours: busiestHours,
      weekday: busiestWeekday,
      words:
        busiestHours.length === 0
          ? "No time of day stood out this week."
          : `Most high stress: ${busiestHours
              .map((b) => `${hourWords(b.hour)} (${pct(b.high_share)})`)
              .join(
                ", ",
              )}${busiestWeekday ? `; of the days, ${WEEKDAY_NAMES[busiestWeekday.weekday]}` : ""}.`,
    },
    recipes,
    relations,
  };
}

function recipeRows(outcomes: readonly RecipeOutcome[]): Insights["recipes"] {
  const by = new Map<string, RecipeOutcome[]>();
  for (const o of outcomes) {
    const runs = by.get(o.recipe_id);
    if (runs) runs.push(o);
    else by.set(o.recipe_id, [o]);
  }
  return [...by]
    .map(([id, runs]) => {
      const calm = runs.map((r) => r.minutes_to_calm).filter((m): m is number => m !== null);
      return {
        recipe_id: id,
        title: runs[runs.length - 1]?.recipe_title ?? id,
        runs: runs.length,
        mean_minutes_to_calm: calm.length > 0 ? round1(calm.reduce((a, b) => a + b, 0) / calm.length) : null,
        calm_within_15_min: runs.length > 0 ? calm.filter((m) => m <= 15).length / runs.length : null,
        stopped_by_you: runs.filter((r) => r.stopped_by_person).length,
      };
    })
    .sort(
      (a, b) =>
        (a.mean_minutes_to_calm ?? Infinity) - (b.mean_minutes_to_calm ?? Infinity) || b.runs - a.runs,
    );
}

/** Mean stress score per local date, from hours with enough estimates. */
function dailyStress(hours: readonly StressHour[], timeZone: string): Map<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const h of hours) {
    if (h.n < MIN_ESTIMATES_PER_HOUR) continue;
    const day = localDate(h.at, timeZone);
    const s = sums.get(day) ?? { sum: 0, n: 0 };
    s.sum += h.mean * h.n;
    s.n += h.n;
    sums.set(day, s);
  }
  return new Map([...sums].map(([d, s]) => [d, s.sum / s.n]));
}

function moodByDay(moods: readonly MoodPoint[], timeZone: string): [string, number][] {
  const by = new Map<string, number[]>();
  for (const m of moods) {
    const day = localDate(m.at, timeZone);
    const values = by.get(day);
    if (values) values.push(m.valence);
    else by.set(day, [m.valence]);
  }
  return [...by].map(([d, v]) => [d, v.reduce((a, b) => a + b, 0) / v.length]);
}

function relation(
  id: Insights["relations"][number]["id"],
  title: string,
  xLabel: string,
  pairs: readonly (readonly [number, number | undefined])[],
  direction: (rho: number) => string,
): Insights["relations"][number] {
  const points = pairs.filter(
    (p): p is readonly [number, number] => p[1] !== undefined && Number.isFinite(p[0]),
  );
  const n = points.length;
  const base = {
    id,
    title,
    days: n,
    needed_days: MIN_DAYS,
    x_label: xLabel,
    points: points.map(([x, y]) => [round1(x), round1(y)] as [number, number]),
  };
  if (n < MIN_DAYS)
    return {
      ...base,
      rho: null,
      holds: false,
      words: `Not enough data yet: ${n} of ${MIN_DAYS} days with both.`,
    };
  const rho = spearman(
    points.map((p) => p[0]),
    points.map((p) => p[1]),
  );
  if (rho === null)
    return {
      ...base,
      rho: null,
      holds: false,
      words: `No relation can be told: the values did not vary over ${n} days.`,
    };
  const holds = significant(rho, n);
  const size = Math.abs(rho) >= 0.5 ? "clearly" : Math.abs(rho) >= 0.3 ? "somewhat" : "slightly";
  return {
    ...base,
    rho: round2(rho),
    holds,
    words: holds
      ? `${capital(direction(rho))} (${size}: rank correlation ${round2(rho)} over ${n} days).`
      : `No clear relation over ${n} days (rank correlation ${round2(rho)}, which could be chance).`,
  };
}

/** Spearman's rho (Pearson on average ranks); null when either side does not vary. */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  return pearson(ranks(x), ranks(y));
}

function ranks(v: readonly number[]): number[] {
  const order = v.map((value, i) => ({ value, i })).sort((a, b) => a.value - b.value);
  const out = new Array<number>(v.length).fill(0);
  for (let k = 0; k < order.length; ) {
    let j = k;
    while (j + 1 < order.length && order[j + 1]?.value === order[k]?.value) j++;
    const rank = (k + j) / 2 + 1;
    for (let m = k; m <= j; m++) {
      const at = order[m]?.i;
      if (at !== undefined) out[at] = rank;
    }
    k = j + 1;
  }
  return out;
}

function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  if (n < 2) return null;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] ?? 0) - mx;
    const dy = (y[i] ?? 0) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Two-sided test of rho = 0 at 5 %, with the t approximation (t = r √((n-2)/(1-r²)), n-2 degrees of freedom);
 * the critical t comes from a Cornish-Fisher expansion of the normal quantile, close enough from 12 days on.
 */
export function significant(rho: number, n: number): boolean {
  if (n < 4) return false;
  const df = n - 2;
  const z = 1.959964;
  const tCrit = z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
  if (Math.abs(rho) >= 1) return true;
  const t = Math.abs(rho) * Math.sqrt(df / (1 - rho * rho));
  return t > tCrit;
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
