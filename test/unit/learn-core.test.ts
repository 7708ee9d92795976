// The pure core of "what calms you": recipes in the config, the 15-minute score area, and the bandit.
import { describe, expect, it } from "vitest";
import { configRecipes, parseConfig } from "../../hub/config/index.js";
import { HubError } from "../../hub/core/index.js";
import {
  chooseRecipe,
  comparisonOf,
  evaluateLearning,
  evaluateLearningCommand,
  type RunOutcome,
  rewardOf,
  scoreArea,
  seededRandom,
  stoppedTwiceInARow,
} from "../../hub/learn/index.js";

const MIN = 60_000;
const settings = { exploration: 0.08, calm_cap_min: 20, household_prior_weight: 3 };

function configError(yaml: string): string {
  try {
    parseConfig(yaml);
  } catch (err) {
    if (err instanceof HubError)
      return [
        err.message,
        ...((err as { issues?: { path: string; message: string }[] }).issues ?? []).map(
          (i) => `${i.path}: ${i.message}`,
        ),
      ].join("\n");
    throw err;
  }
  throw new Error("the config was accepted");
}

describe("recipes in the config", () => {
  it("has built-in recipes, one of them the usual episode, and checks references at their path", () => {
    const c = parseConfig("");
    const recipes = configRecipes(c);
    expect(Object.keys(recipes)).toEqual(
      expect.arrayContaining(["standard", "dim_rain", "dim_quiet", "ocean_breathe", "lights_only_warm"]),
    );
    expect(recipes.ocean_breathe?.breathing_pacer).toBe(true);
    expect(c.learning.default_recipe).toBe("standard");

    expect(configError("recipes:\n  x: { soundscape: waves }\n")).toMatch(
      /recipes\.x\.soundscape: unknown soundscape "waves"/,
    );
    expect(configError("recipes:\n  x: { soundscape: waves }\n")).toMatch(
      /learning\.default_recipe: unknown recipe "standard": set learning\.default_recipe to one of x/,
    );
    expect(configError("people:\n  alice: { recipes: [dim_rain, nope] }\n")).toMatch(
      /people\.alice\.recipes\[1\]: unknown recipe "nope"/,
    );
    expect(configError("learning: { default_recipe: nope }\n")).toMatch(
      /learning\.default_recipe: unknown recipe "nope"/,
    );
    expect(configError("learning: { exploration: 0.01 }\n")).toMatch(/exploration/);
  });

  it("drops a built-in recipe's sound, not the config, when the home has its own soundscapes", () => {
    const c = parseConfig("soundscapes:\n  birds: { media_content_id: 'media-source://birds.mp3' }\n");
    expect(configRecipes(c).dim_rain?.soundscape).toBeNull();
  });
});

describe("score area over 15 minutes", () => {
  it("holds each score until the next reading, in score-minutes", () => {
    const start = 1_000_000;
    const points = [
      { at: start - MIN, score: 80 },
      { at: start + 5 * MIN, score: 40 },
      { at: start + 16 * MIN, score: 20 },
    ];
    // 80 for 5 min, then 40 for 10 min.
    expect(scoreArea(points, start)).toEqual({ area: 800, covered_min: 15 });
    // Readings that stop after 5 min cover only those minutes: the window is not stretched.
    expect(scoreArea(points.slice(0, 2), start)).toEqual({ area: 400, covered_min: 5 });
    expect(scoreArea([], start)).toBeNull();
  });

  it("averages only complete comparison windows", () => {
    const base = { person: "a", why: "cooling down", stress_at_start: 70 };
    expect(
      comparisonOf([
        { ...base, at: 1, auc_15min: 900, window_complete: true },
        { ...base, at: 2, auc_15min: 700, window_complete: true },
        { ...base, at: 3, auc_15min: 10, window_complete: false },
      ]),
    ).toEqual({ moments: 2, auc_15min_mean: 800 });
    expect(comparisonOf([])).toBeNull();
  });
});

describe("choosing a recipe", () => {
  const candidates = [
    { id: "standard", title: "the usual dim lights" },
    { id: "dim_rain", title: "rain and dim lights" },
    { id: "ocean_breathe", title: "ocean and slow breathing" },
  ];
  const run = (
    recipe_id: string,
    minutes: number | null,
    i: number,
    person = "alice",
    stopped = false,
  ): RunOutcome => ({
    person,
    recipe_id,
    started_at: i * 60 * MIN,
    minutes_to_calm: minutes,
    stopped_by_person: stopped,
  });

  it("rewards a quick calm, and nothing for never calm or stopped", () => {
    expect(rewardOf({ minutes_to_calm: 5, stopped_by_person: false }, 20)).toBeCloseTo(0.75);
    expect(rewardOf({ minutes_to_calm: null, stopped_by_person: false }, 20)).toBe(0);
    expect(rewardOf({ minutes_to_calm: 2, stopped_by_person: true }, 20)).toBe(0);
    expect(rewardOf({ minutes_to_calm: 60, stopped_by_person: false }, 20)).toBe(0);
  });

  it("mostly picks what worked for the person and says why in words", () => {
    const history = [
      ...Array.from({ length: 6 }, (_, i) => run("dim_rain", 5 + (i % 2), i)),
      ...Array.from({ length: 4 }, (_, i) => run("standard", 15, 10 + i)),
      run("ocean_breathe", 16, 20),
    ];
    const rng = seededRandom(7);
    const picks = Array.from({ length: 200 }, () =>
      chooseRecipe({ person: "alice", candidates, outcomes: history, now: 30 * 60 * MIN, rng, settings }),
    );
    const rain = picks.filter((p) => p.recipe_id === "dim_rain");
    expect(rain.length / picks.length).toBeGreaterThan(0.85);
    // The exploration floor still tries the others now and then.
    expect(picks.some((p) => p.recipe_id !== "dim_rain")).toBe(true);
    expect(rain.find((p) => !p.explored)?.reason).toBe(
      "rain and dim lights: calm in 6 min on average for you, 6 runs",
    );
    expect(picks.find((p) => p.explored)?.reason).toMatch(/^exploring: /);
  });

  it("starts a newcomer from the household's experience", () => {
    const household = Array.from({ length: 8 }, (_, i) => run("ocean_breathe", 4, i, "bob"));
    household.push(...Array.from({ length: 8 }, (_, i) => run("standard", 18, 10 + i, "bob")));
    const rng = seededRandom(3);
    const picks = Array.from({ length: 100 }, () =>
      chooseRecipe({ person: "carol", candidates, outcomes: household, now: 0, rng, settings }),
    );
    const ocean = picks.filter((p) => p.recipe_id === "ocean_breathe");
    expect(ocean.length).toBeGreaterThan(picks.filter((p) => p.recipe_id === "standard").length);
    expect(ocean.find((p) => !p.explored)?.reason).toBe(
      "ocean and slow breathing: calm in 4 min on average in your household, 8 runs (none yet for you)",
    );
  });

  it("never picks a recipe the person stopped twice in a row within a day", () => {
    const now = 10 * 60 * MIN;
    const history = [
      ...Array.from({ length: 6 }, (_, i) => run("dim_rain", 3, i)),
      run("dim_rain", null, 8, "alice", true),
      run("dim_rain", null, 9, "alice", true),
    ];
    expect(stoppedTwiceInARow(history, "dim_rain", now)).toBe(true);
    // A day later the rule no longer holds.
    expect(stoppedTwiceInARow(history, "dim_rain", now + 24 * 60 * MIN)).toBe(false);
    const rng = seededRandom(11);
    for (let i = 0; i < 200; i++)
      expect(
        chooseRecipe({ person: "alice", candidates, outcomes: history, now, rng, settings }).recipe_id,
      ).not.toBe("dim_rain");
  });

  it("replays the same choices from the same seed", () => {
    const pick = (seed: number) => {
      const rng = seededRandom(seed);
      return Array.from(
        { length: 20 },
        () => chooseRecipe({ person: "alice", candidates, outcomes: [], now: 0, rng, settings }).recipe_id,
      );
    };
    expect(pick(5)).toEqual(pick(5));
    expect(new Set(pick(5)).size).toBeGreaterThan(1);
  });
});

describe("the learning figure (simulated people, no clock)", () => {
  it("learns each simulated person's best recipe and beats the fixed default", () => {
    const figures = evaluateLearning({ seed: 1 });
    expect(figures.map((f) => [f.person, f.best_recipe])).toEqual([
      ["alice", "dim_rain"],
      ["bob", "dim_quiet"],
      ["carol", "ocean_breathe"],
    ]);
    const overall = figures.reduce((a, f) => a + f.best_share_after_20, 0) / figures.length;
    expect(overall).toBeGreaterThanOrEqual(0.8);
    for (const f of figures) expect(f.mean_min_learned).toBeLessThan(f.mean_min_fixed);
  });

  it("prints the figure, and refuses an unknown option with the ones it knows", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
    expect(await evaluateLearningCommand(["--episodes", "30"], io)).toBe(0);
    expect(out.join("")).toMatch(/overall: \d+ % of episodes after the 20th used the person's best recipe/);
    expect(await evaluateLearningCommand(["--fast"], io)).toBe(2);
    expect(err.join("")).toMatch(/unknown option "--fast" \(--episodes N, --seed S, --json\)/);
  });
});
