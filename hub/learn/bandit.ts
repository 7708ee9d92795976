import { normal, type Random } from "./random.js";

const DAY_MS = 24 * 60 * 60_000;
/** The spread of one run's reward before there is enough data to estimate it. */
const DEFAULT_SD = 0.25;
const MIN_SD = 0.08;

/** What the bandit needs of one past episode (anyone's in the household). */
export interface RunOutcome {
  person: string;
  recipe_id: string;
  started_at: number;
  minutes_to_calm: number | null;
  stopped_by_person: boolean;
}

export interface BanditSettings {
  exploration: number;
  calm_cap_min: number;
  household_prior_weight: number;
}

export interface RecipeChoice {
  recipe_id: string;
  /** In words, for the action log and the episode's reason. */
  reason: string;
  explored: boolean;
}

/**
 * A run's reward in [0, 1]: 1 for calm at once, falling linearly to 0 at `capMin` minutes. Never calm, or
 * stopped by the person, is 0: a recipe someone switches off did not help them, whatever the score did.
 */
export function rewardOf(
  o: Pick<RunOutcome, "minutes_to_calm" | "stopped_by_person">,
  capMin: number,
): number {
  if (o.stopped_by_person || o.minutes_to_calm === null) return 0;
  return 1 - Math.min(Math.max(o.minutes_to_calm, 0), capMin) / capMin;
}

function mean(xs: readonly number[]): number | undefined {
  return xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Whether the person's last two runs of the recipe were both stopped by them, within the last day. */
export function stoppedTwiceInARow(outcomes: readonly RunOutcome[], recipe: string, now: number): boolean {
  const runs = outcomes.filter((o) => o.recipe_id === recipe).sort((a, b) => b.started_at - a.started_at);
  const [last, before] = runs;
  return (
    last !== undefined &&
    before !== undefined &&
    last.stopped_by_person &&
    before.stopped_by_person &&
    now - before.started_at < DAY_MS
  );
}

/**
 * Thompson sampling over each recipe's mean reward for this person, with a normal posterior: the prior mean
 * is the household's mean for the recipe (the household's mean over all recipes when nobody ran it), worth
 * `household_prior_weight` runs, and the spread of a run is the household's pooled spread. The draw with the
 * highest value wins; with probability `exploration` a recipe is picked at random instead, so that a recipe
 * whose first runs were unlucky is still tried now and then. A recipe the person stopped twice in a row within
 * a day is left out (unless every recipe is).
 */
export function chooseRecipe(input: {
  person: string;
  candidates: readonly { id: string; title: string }[];
  /** The household's outcomes, this person's included. */
  outcomes: readonly RunOutcome[];
  now: number;
  rng: Random;
  settings: BanditSettings;
}): RecipeChoice {
  const { person, now, rng, settings } = input;
  const mine = input.outcomes.filter((o) => o.person === person);
  const allowedAll = input.candidates.filter((c) => !stoppedTwiceInARow(mine, c.id, now));
  const allowed = allowedAll.length > 0 ? allowedAll : input.candidates;
  const first = allowed[0];
  if (first === undefined) throw new Error("chooseRecipe needs at least one recipe");
  const reward = (o: RunOutcome) => rewardOf(o, settings.calm_cap_min);
  const household = input.outcomes.filter((o) => o.person !== person);
  const householdMean = mean(household.map(reward)) ?? 0.5;
  // Pooled spread: each run around its own recipe's mean, across everybody.
  const byRecipe = new Map<string, number[]>();
  for (const o of input.outcomes)
    byRecipe.set(o.recipe_id, [...(byRecipe.get(o.recipe_id) ?? []), reward(o)]);
  let ss = 0;
  let dof = 0;
  for (const rs of byRecipe.values()) {
    const m = mean(rs) ?? 0;
    for (const r of rs) ss += (r - m) ** 2;
    dof += rs.length - 1;
  }
  const sd = dof >= 3 ? Math.max(MIN_SD, Math.sqrt(ss / dof)) : DEFAULT_SD;

  const stats = allowed.map((c) => {
    const own = mine.filter((o) => o.recipe_id === c.id).map(reward);
    const others = household.filter((o) => o.recipe_id === c.id).map(reward);
    // The household's view of the recipe, itself shrunk toward the household's mean over all recipes.
    const priorMean = (householdMean + others.reduce((a, b) => a + b, 0)) / (1 + others.length);
    const w = Math.max(settings.household_prior_weight, 0.5);
    const n = own.length;
    const postMean = (w * priorMean + own.reduce((a, b) => a + b, 0)) / (w + n);
    const postSd = sd / Math.sqrt(w + n);
    return { ...c, n, postMean, draw: postMean + postSd * normal(rng) };
  });

  let explored = false;
  let pick = stats[0];
  if (rng() < settings.exploration && stats.length > 1) {
    explored = true;
    pick = stats[Math.min(stats.length - 1, Math.floor(rng() * stats.length))];
  } else {
    for (const s of stats) if (pick === undefined || s.draw > pick.draw) pick = s;
  }
  if (pick === undefined) return { recipe_id: first.id, reason: first.title, explored: false };
  return { recipe_id: pick.id, reason: reasonFor(pick, mine, household, explored, settings), explored };
}

function runs(n: number): string {
  return `${n} run${n === 1 ? "" : "s"}`;
}

function calmSummary(runsOf: readonly RunOutcome[]): string | undefined {
  const calm = runsOf.flatMap((o) =>
    o.minutes_to_calm !== null && !o.stopped_by_person ? [o.minutes_to_calm] : [],
  );
  const m = mean(calm);
  return m === undefined ? undefined : `calm in ${Math.round(m)} min on average`;
}

/** "rain and dim lights: calm in 6 min on average for you, 9 runs", or "exploring: ocean has 1 run". */
function reasonFor(
  pick: { id: string; title: string; n: number },
  mine: readonly RunOutcome[],
  household: readonly RunOutcome[],
  explored: boolean,
  settings: BanditSettings,
): string {
  const own = mine.filter((o) => o.recipe_id === pick.id);
  if (explored || own.length === 0) {
    const theirs = household.filter((o) => o.recipe_id === pick.id);
    const summary = calmSummary(theirs);
    if (!explored && summary !== undefined)
      return `${pick.title}: ${summary} in your household, ${runs(theirs.length)} (none yet for you)`;
    return `exploring: ${pick.title} has ${runs(own.length)}`;
  }
  const summary = calmSummary(own);
  if (summary === undefined)
    return `${pick.title}: ${runs(own.length)}, none calm within ${settings.calm_cap_min} min yet`;
  return `${pick.title}: ${summary} for you, ${runs(own.length)}`;
}
