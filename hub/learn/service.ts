import { z } from "zod";
import { type Config, configRecipes, type Recipe, RecipeSchema } from "../config/index.js";
import { type Clock, type Logger, own, type StressState } from "../core/index.js";
import type { ChosenRecipe, EpisodeEnded, EpisodeStarted } from "../episodes/index.js";
import type { Documents } from "../store/index.js";
import { chooseRecipe, type RunOutcome } from "./bandit.js";
import {
  type ComparisonRecord,
  ComparisonRecordSchema,
  comparisonOf,
  minutesBetween,
  OUTCOME_WINDOW_MS,
  type OutcomeRecord,
  OutcomeRecordSchema,
  type ScorePoint,
  scoreArea,
} from "./outcome.js";
import { type Random, seededRandom } from "./random.js";

export const OUTCOME_SCOPE = "outcome";
export const COMPARISON_SCOPE = "outcome_comparison";
/** Recipes added or changed through the API, one document per recipe. */
export const RECIPE_SCOPE = "recipe";
/** "#": never a person id, so that deleting a person named like a recipe leaves the recipe alone. */
const recipeKey = (id: string): string => `#${id}`;
/** How many of the household's newest outcomes the bandit reads per choice. */
const OUTCOME_SCAN = 2_000;
/** Scores kept per person: a window's curve plus the reading before it. */
const KEEP_MS = OUTCOME_WINDOW_MS + 5 * 60_000;
/** The score curve keeps one point per this many ms. */
const SCORE_STEP_MS = 5_000;

export interface RecipeListing {
  id: string;
  recipe: Recipe;
  title: string;
  source: "config" | "api";
}

interface Window {
  kind: "episode" | "comparison";
  key: string;
  start: number;
}

export interface LearningDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  docs: Documents;
  /** The bandit's randomness (seeded in tests and the evaluation). */
  random?: Random;
}

/**
 * What calms each person: the recipes in force (config, plus those edited through the API), the recipe for
 * each new episode (chosen by the bandit from the household's outcomes), and each episode's outcome with its
 * 15-minute score curve, compared with moments an episode was held back.
 */
export class Learning {
  private readonly d: LearningDeps;
  private readonly rng: Random;
  private readonly scores = new Map<string, ScorePoint[]>();
  private readonly open = new Map<string, Window[]>();

  constructor(deps: LearningDeps) {
    this.d = deps;
    this.rng = deps.random ?? seededRandom(deps.clock.now());
  }

  // --- recipes ---------------------------------------------------------------------------------------

  recipes(): RecipeListing[] {
    const out = new Map<string, RecipeListing>();
    for (const [id, recipe] of Object.entries(configRecipes(this.d.config)))
      out.set(id, { id, recipe, title: recipe.title ?? id.replaceAll("_", " "), source: "config" });
    for (const { key, value } of this.d.docs.list(RECIPE_SCOPE, RecipeSchema)) {
      const id = key.slice(1);
      out.set(id, { id, recipe: value, title: value.title ?? id.replaceAll("_", " "), source: "api" });
    }
    return [...out.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  recipe(id: string): RecipeListing | undefined {
    return this.recipes().find((r) => r.id === id);
  }

  /** Refused (with the reason) when it names a soundscape the config does not have. */
  putRecipe(id: string, recipe: Recipe): { ok: true } | { ok: false; reason: string } {
    if (recipe.soundscape !== null && !Object.hasOwn(this.d.config.soundscapes, recipe.soundscape))
      return { ok: false, reason: `unknown soundscape "${recipe.soundscape}"` };
    this.d.docs.put(RECIPE_SCOPE, recipeKey(id), recipe, this.d.clock.now());
    return { ok: true };
  }

  /** Only API recipes can go; a config recipe is changed in the config file. */
  deleteRecipe(id: string): "deleted" | "config" | "missing" {
    if (this.d.docs.get(RECIPE_SCOPE, recipeKey(id), RecipeSchema)) {
      this.d.docs.delete(RECIPE_SCOPE, recipeKey(id));
      return "deleted";
    }
    return Object.hasOwn(configRecipes(this.d.config), id) ? "config" : "missing";
  }

  /**
   * The recipe for a new episode, or undefined when learning is off (the episode then does what it always did).
   * `fixed`: always the default recipe (the baseline the learning figure compares with).
   */
  choose(person: string, fixed = false): ChosenRecipe | undefined {
    const { learning } = this.d.config;
    if (!learning.enabled && !fixed) return undefined;
    const all = this.recipes();
    const allowed = own(this.d.config.people, person)?.recipes;
    const candidates = all.filter((r) => allowed === undefined || allowed.includes(r.id));
    const fallback = all.find((r) => r.id === learning.default_recipe) ?? all[0];
    if (fixed || candidates.length === 0) {
      return fallback
        ? {
            id: fallback.id,
            recipe: fallback.recipe,
            title: fallback.title,
            reason: `${fallback.title}: the default`,
          }
        : undefined;
    }
    const pick = chooseRecipe({
      person,
      candidates: candidates.map((c) => ({ id: c.id, title: c.title })),
      outcomes: this.runOutcomes(),
      now: this.d.clock.now(),
      rng: this.rng,
      settings: learning,
    });
    const chosen = candidates.find((c) => c.id === pick.recipe_id) ?? candidates[0];
    return chosen
      ? { id: chosen.id, recipe: chosen.recipe, title: chosen.title, reason: pick.reason }
      : undefined;
  }

  private runOutcomes(): RunOutcome[] {
    return this.d.docs
      .list(OUTCOME_SCOPE, OutcomeRecordSchema, { newestFirst: true, limit: OUTCOME_SCAN })
      .map(({ value }) => value);
  }

  // --- outcomes --------------------------------------------------------------------------------------

  outcomes(person: string, limit = 200): OutcomeRecord[] {
    return this.d.docs
      .list(OUTCOME_SCOPE, OutcomeRecordSchema, { person, newestFirst: true, limit })
      .map((d) => d.value);
  }

  comparisons(person: string, limit = 200): ComparisonRecord[] {
    return this.d.docs
      .list(COMPARISON_SCOPE, ComparisonRecordSchema, { person, newestFirst: true, limit })
      .map((d) => d.value);
  }

  /** Every stress estimate: the curves of open windows, closed once 15 min of readings are in. */
  onStress(state: StressState): void {
    const now = state.at;
    let points = this.scores.get(state.person);
    if (!points) {
      points = [];
      this.scores.set(state.person, points);
    }
    // One point per few seconds is plenty for a 15-minute area, and keeps this O(1) per reading: a wearable
    // sending many readings a second made a copy of the whole curve on every one of them.
    const last = points[points.length - 1];
    if (!last || now >= last.at + SCORE_STEP_MS) points.push({ at: now, score: state.score });
    let old = 0;
    while (old < points.length && (points[old]?.at ?? now) < now - KEEP_MS) old++;
    if (old > 0) points.splice(0, old);
    const windows = this.open.get(state.person);
    if (!windows) return;
    const still = windows.filter((w) => {
      if (now <= w.start + OUTCOME_WINDOW_MS) return true;
      this.closeWindow(state.person, w);
      return false;
    });
    if (still.length) this.open.set(state.person, still);
    else this.open.delete(state.person);
  }

  episodeStarted(e: EpisodeStarted): void {
    const title = this.recipe(e.recipe_id)?.title ?? e.recipe_id.replaceAll("_", " ");
    const record: OutcomeRecord = {
      person: e.person,
      episode_id: e.episode_id,
      recipe_id: e.recipe_id,
      recipe_title: title,
      started_at: e.started_at,
      stress_at_start: e.stress_at_start,
      minutes_to_calm: null,
      auc_15min: null,
      window_complete: false,
      overridden: false,
      stopped_by_person: false,
      end_reason: null,
      comparison: comparisonOf(this.comparisons(e.person)),
      auc_vs_comparison: null,
    };
    this.save(OUTCOME_SCOPE, `${e.person}:${e.episode_id}`, record, e.started_at);
    this.addWindow(e.person, { kind: "episode", key: `${e.person}:${e.episode_id}`, start: e.started_at });
  }

  episodeEnded(e: EpisodeEnded): void {
    const key = `${e.person}:${e.episode_id}`;
    const record = this.d.docs.get(OUTCOME_SCOPE, key, OutcomeRecordSchema);
    if (!record) return;
    record.minutes_to_calm = minutesBetween(record.started_at, e.calm_reached_at);
    record.end_reason = e.end_reason;
    record.stopped_by_person = e.stopped_by_person;
    record.overridden = e.overridden;
    this.fillCurve(e.person, record);
    this.save(OUTCOME_SCOPE, key, record, record.started_at);
  }

  /** A moment an episode would have started but was held back: its curve is the comparison. */
  skipped(person: string, why: string): void {
    const now = this.d.clock.now();
    const windows = this.open.get(person) ?? [];
    // One window at a time per person: overlapping moments would count the same minutes twice, and a moment
    // inside an episode's window is not one without an episode.
    if (windows.some((w) => now < w.start + OUTCOME_WINDOW_MS)) return;
    const last = this.scores.get(person)?.at(-1);
    const record: ComparisonRecord = {
      person,
      at: now,
      why,
      stress_at_start: last ? last.score : null,
      auc_15min: null,
      window_complete: false,
    };
    const key = `${person}:${now}`;
    this.save(COMPARISON_SCOPE, key, record, now);
    this.addWindow(person, { kind: "comparison", key, start: now });
  }

  /** Per-person delete: the documents go with the store's delete; this drops what is held in memory. */
  forget(person: string): void {
    this.scores.delete(person);
    this.open.delete(person);
  }

  private addWindow(person: string, w: Window): void {
    this.open.set(person, [...(this.open.get(person) ?? []), w]);
  }

  private closeWindow(person: string, w: Window): void {
    if (w.kind === "episode") {
      const record = this.d.docs.get(OUTCOME_SCOPE, w.key, OutcomeRecordSchema);
      if (!record) return;
      this.fillCurve(person, record);
      this.save(OUTCOME_SCOPE, w.key, record, record.started_at);
      return;
    }
    const record = this.d.docs.get(COMPARISON_SCOPE, w.key, ComparisonRecordSchema);
    if (!record) return;
    const area = scoreArea(this.scores.get(person) ?? [], record.at);
    record.auc_15min = area?.area ?? null;
    record.window_complete = area !== null && area.covered_min >= OUTCOME_WINDOW_MS / 60_000;
    this.save(COMPARISON_SCOPE, w.key, record, record.at);
  }

  private fillCurve(person: string, record: OutcomeRecord): void {
    const area = scoreArea(this.scores.get(person) ?? [], record.started_at);
    record.auc_15min = area?.area ?? null;
    record.window_complete = area !== null && area.covered_min >= OUTCOME_WINDOW_MS / 60_000;
    record.auc_vs_comparison =
      record.comparison && record.auc_15min !== null && record.window_complete
        ? Math.round((record.comparison.auc_15min_mean - record.auc_15min) * 10) / 10
        : null;
  }

  /** A store that cannot write loses an outcome, never an episode: logged, not thrown. */
  private save(scope: string, key: string, value: unknown, at: number): void {
    try {
      this.d.docs.put(scope, key, value, this.d.clock.now(), at);
    } catch (err) {
      this.d.logger.error({ component: "learning", scope, err: (err as Error).message }, "could not save");
    }
  }
}

export const RecipeListingSchema = z.object({
  id: z.string(),
  title: z.string(),
  source: z.enum(["config", "api"]),
  recipe: RecipeSchema,
});
