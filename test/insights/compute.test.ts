// The weekly insights, pure: a real effect is found and stated with its size and days, no effect claims
// nothing, too few days say so, and the week's busiest hours and the recipes that helped come out in words.
import { describe, expect, it } from "vitest";
import { addDays, localDate, zonedInstant } from "../../hub/core/index.js";
import {
  type ActivityDay,
  computeInsights,
  demoHistory,
  type InsightInput,
  MIN_DAYS,
  type StressHour,
  significant,
  spearman,
} from "../../hub/insights/index.js";

const TZ = "Europe/Berlin";
const NOW = Date.UTC(2026, 11, 3, 18, 0, 0);

function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

/** `days` days of hours 8-20; each day's stress is given by `stressOf(dayIndex)`. */
function history(
  days: number,
  stressOf: (i: number) => number,
  sleepOf: (i: number) => number,
  stepsOf: (i: number) => number,
) {
  const hours: StressHour[] = [];
  const acts: ActivityDay[] = [];
  const today = localDate(NOW, TZ);
  for (let i = 0; i < days; i++) {
    const day = addDays(today, i - days + 1);
    for (let hour = 8; hour <= 20; hour++) {
      const mean = stressOf(i);
      hours.push({
        person: "alice",
        at: zonedInstant(day, { hour, minute: 0 }, TZ),
        n: 20,
        mean,
        high_n: mean >= 60 ? 20 : 0,
      });
    }
    acts.push({ person: "alice", day, steps: stepsOf(i), asleep_min: sleepOf(i) * 60, sleep_known: true });
  }
  return { hours, acts };
}

const empty: InsightInput = { hours: [], days: [], moods: [], outcomes: [] };

describe("relations", () => {
  it("finds that short nights go with higher stress, with its size and the days behind it", () => {
    const r = rng(7);
    const sleep = Array.from({ length: 21 }, () => 5 + r() * 3.5);
    const { hours, acts } = history(
      21,
      (i) => 30 + (8.5 - (sleep[i] ?? 7)) * 12 + r() * 5,
      (i) => sleep[i] ?? 7,
      () => 8000,
    );
    const ins = computeInsights("alice", { ...empty, hours, days: acts }, NOW, TZ, 7);
    const rel = ins.relations.find((x) => x.id === "sleep_next_day");
    expect(rel?.days).toBe(21);
    expect(rel?.holds).toBe(true);
    expect(rel?.rho).toBeLessThan(-0.5);
    expect(rel?.words).toMatch(/more sleep, your stress ran lower/);
    expect(rel?.words).toMatch(/21 days/);
    expect(rel?.points).toHaveLength(21);
  });

  it("claims nothing when stress does not follow the steps", () => {
    const r = rng(3);
    const { hours, acts } = history(
      28,
      () => 30 + r() * 40,
      () => 7,
      () => Math.round(r() * 15000),
    );
    const rel = computeInsights("alice", { ...empty, hours, days: acts }, NOW, TZ).relations.find(
      (x) => x.id === "steps_same_day",
    );
    expect(rel?.days).toBe(28);
    expect(rel?.holds).toBe(false);
    expect(rel?.words).toMatch(/No clear relation over 28 days/);
  });

  it("says 'not enough data' below the minimum, whatever the numbers", () => {
    const { hours, acts } = history(
      10,
      (i) => 20 + i * 5,
      (i) => 9 - i * 0.3,
      () => 5000,
    );
    const ins = computeInsights("alice", { ...empty, hours, days: acts }, NOW, TZ);
    for (const rel of ins.relations) {
      expect(rel.holds).toBe(false);
      expect(rel.rho).toBeNull();
    }
    expect(ins.relations.find((x) => x.id === "sleep_next_day")?.words).toBe(
      `Not enough data yet: 10 of ${MIN_DAYS} days with both.`,
    );
    expect(ins.relations.find((x) => x.id === "mood_same_day")?.words).toMatch(/0 of 14/);
  });

  it("relates mood to the same day's stress", () => {
    const { hours } = history(
      16,
      (i) => (i % 2 === 0 ? 70 : 30),
      () => 7,
      () => 5000,
    );
    const today = localDate(NOW, TZ);
    const moods = Array.from({ length: 16 }, (_, i) => ({
      at: zonedInstant(addDays(today, i - 15), { hour: 20, minute: 0 }, TZ),
      valence: i % 2 === 0 ? -2 : 1,
    }));
    const rel = computeInsights("alice", { ...empty, hours, moods }, NOW, TZ).relations.find(
      (x) => x.id === "mood_same_day",
    );
    expect(rel?.holds).toBe(true);
    expect(rel?.words).toMatch(/better mood, your stress ran lower/);
  });

  it("spearman and its test behave at the edges", () => {
    expect(spearman([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1);
    expect(spearman([1, 1, 1], [3, 2, 1])).toBeNull();
    expect(significant(0.3, 20)).toBe(false);
    expect(significant(0.6, 20)).toBe(true);
    expect(significant(0.45, 20)).toBe(true); // critical r at n = 20 is about 0.44
    expect(significant(0.43, 20)).toBe(false);
  });
});

describe("the week", () => {
  it("marks the hours with most high stress and says which in words", () => {
    const today = localDate(NOW, TZ);
    const hours: StressHour[] = [];
    for (let d = 0; d < 7; d++)
      for (let hour = 7; hour < 22; hour++) {
        const high = hour === 9 ? 18 : hour === 17 ? 6 : 0;
        hours.push({
          person: "alice",
          at: zonedInstant(addDays(today, -d), { hour, minute: 0 }, TZ),
          n: 20,
          mean: high ? 70 : 30,
          high_n: high,
        });
      }
    // A week-old hour outside the window does not count.
    hours.push({
      person: "alice",
      at: zonedInstant(addDays(today, -9), { hour: 3, minute: 0 }, TZ),
      n: 20,
      mean: 90,
      high_n: 20,
    });
    const ins = computeInsights("alice", { ...empty, hours }, NOW, TZ, 7);
    expect(ins.heatmap).toHaveLength(7 * 24);
    expect(ins.busiest.hours[0]?.hour).toBe(9);
    expect(ins.busiest.hours[1]?.hour).toBe(17);
    expect(ins.busiest.words).toMatch(/^Most high stress: 09:00-10:00 \(90 %\), 17:00-18:00 \(30 %\)/);
    expect(ins.heatmap.filter((c) => c.hour === 3 && c.high_share !== null)).toHaveLength(0);
    expect(ins.week.hours_with_data).toBe(7 * 15);
    expect(ins.week.words).toMatch(/high 8 % of the time this week \(105 hours/);
  });

  it("an empty week says so and claims nothing", () => {
    const ins = computeInsights("bob", empty, NOW, TZ);
    expect(ins.week.high_share).toBeNull();
    expect(ins.week.words).toBe("No stress readings this week yet.");
    expect(ins.busiest.words).toBe("No time of day stood out this week.");
    expect(ins.recipes).toEqual([]);
  });

  it("ranks recipes by how soon they calmed, with runs and stops", () => {
    const o = (id: string, m: number | null, stopped = false) => ({
      recipe_id: id,
      recipe_title: id === "rain" ? "Rain and dim lights" : "Quiet",
      started_at: NOW - 86_400_000,
      minutes_to_calm: m,
      auc_15min: null,
      stopped_by_person: stopped,
    });
    const ins = computeInsights(
      "alice",
      { ...empty, outcomes: [o("quiet", 12), o("rain", 5), o("rain", 7), o("quiet", null, true)] },
      NOW,
      TZ,
    );
    expect(ins.recipes.map((r) => [r.recipe_id, r.runs, r.mean_minutes_to_calm, r.stopped_by_you])).toEqual([
      ["rain", 2, 6, 0],
      ["quiet", 2, 12, 1],
    ]);
    expect(ins.recipes[1]?.calm_within_15_min).toBe(0.5);
  });

  it("the demo's made-up weeks show a relation that holds", () => {
    const h = demoHistory("alice", NOW, TZ, 28, 1);
    const ins = computeInsights("alice", { ...empty, hours: h.hours, days: h.days }, NOW, TZ);
    expect(ins.relations.find((x) => x.id === "sleep_next_day")?.holds).toBe(true);
  });
});
