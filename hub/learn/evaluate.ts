import {
  nextScore,
  type Preference,
  RESPONDING_PEOPLE,
  type RespondingPerson,
  type RoomSense,
} from "../../devices/wearable-sim/index.js";
import { type Config, configRecipes, parseConfig, type Recipe } from "../config/index.js";
import { own } from "../core/index.js";
import { calmLights, type EntitySnapshot, recipeLightSettings, startSound } from "../episodes/index.js";
import { chooseRecipe, type RunOutcome } from "./bandit.js";
import { type Random, seededRandom } from "./random.js";

const STEP_MS = 30_000;
const START_SCORE = 90;
/** The score under which the simulated person counts as calm (the detector's elevated_exit default). */
const CALM_BELOW = 30;

/** What the room's light and speaker show while a recipe runs: the hub's own plan applied to a lit, quiet room. */
export function senseOf(recipe: Recipe, config: Config): RoomSense {
  const light: EntitySnapshot = {
    entity_id: "light.room",
    state: "on",
    attributes: { brightness: 200, color_temp_kelvin: 3000, supported_color_modes: ["color_temp"] },
  };
  const player: EntitySnapshot = {
    entity_id: "media_player.room",
    state: "idle",
    attributes: { volume_level: 0.2 },
  };
  const lights =
    recipe.light === "unchanged"
      ? []
      : calmLights([light], recipeLightSettings(config.episodes, recipe), false).calls;
  const b = lights[0]?.data?.brightness;
  const soundscape = recipe.soundscape === null ? undefined : own(config.soundscapes, recipe.soundscape);
  const sound = startSound({
    player,
    soundscape,
    room: {
      lights: ["light.room"],
      media_player: "media_player.room",
      bedroom: false,
      people: [],
      max_volume: 0.5,
      night_max_volume: 0.2,
    },
    settings: config.episodes,
    night: false,
    someoneAsleep: false,
  });
  const play = sound.calls.find((c) => c.service === "play_media")?.data?.media_content_id;
  return {
    brightness: typeof b === "number" ? b : 200,
    playing: typeof play === "string" ? play : null,
  };
}

/** Minutes until the simulated person's score drops under CALM_BELOW, or null within `maxMin`. */
function minutesToCalm(p: Preference, sense: RoomSense, rng: Random, maxMin: number): number | null {
  let score = START_SCORE;
  for (let t = STEP_MS; t <= maxMin * 60_000; t += STEP_MS) {
    score = nextScore(score, p, sense, STEP_MS, (rng() - 0.5) * 2);
    if (score < CALM_BELOW) return t / 60_000;
  }
  return null;
}

export interface LearningFigure {
  person: string;
  best_recipe: string;
  /** Share of the episodes after the 20th that used the person's best recipe. */
  best_share_after_20: number;
  mean_min_learned: number;
  mean_min_fixed: number;
  choices: string[];
  /** Minutes to calm of each episode, in order (the episode's maximum when never calm). */
  minutes: number[];
}

/**
 * N simulated people × `episodes` episodes each, in turns (so the household prior is shared), with the hub's
 * bandit choosing; the same people with the fixed default recipe for comparison. Time is simulated (no clock).
 */
export function evaluateLearning(
  options: { episodes?: number; seed?: number; people?: readonly RespondingPerson[]; config?: Config } = {},
): LearningFigure[] {
  const config = options.config ?? parseConfig("");
  const episodes = options.episodes ?? 40;
  const people = options.people ?? RESPONDING_PEOPLE;
  const rng = seededRandom(options.seed ?? 1);
  const recipes = configRecipes(config);
  const ids = Object.keys(recipes);
  const senses = new Map(ids.map((id) => [id, senseOf(recipes[id] as Recipe, config)]));
  const maxMin = config.episodes.max_duration_min;
  const expected = (p: RespondingPerson, id: string) => {
    const sense = senses.get(id) as RoomSense;
    return minutesToCalm(p.prefers, sense, () => 0.5, maxMin) ?? maxMin * 2;
  };
  const outcomes: RunOutcome[] = [];
  const choices = new Map<string, string[]>(people.map((p) => [p.person, []]));
  const learned = new Map<string, number[]>(people.map((p) => [p.person, []]));
  const candidates = ids.map((id) => ({ id, title: recipes[id]?.title ?? id }));
  let now = Date.UTC(2026, 0, 1);
  for (let i = 0; i < episodes; i++) {
    for (const p of people) {
      now += 3 * 60 * 60_000;
      const pick = chooseRecipe({
        person: p.person,
        candidates,
        outcomes,
        now,
        rng,
        settings: config.learning,
      });
      const minutes = minutesToCalm(p.prefers, senses.get(pick.recipe_id) as RoomSense, rng, maxMin);
      outcomes.push({
        person: p.person,
        recipe_id: pick.recipe_id,
        started_at: now,
        minutes_to_calm: minutes,
        stopped_by_person: false,
      });
      choices.get(p.person)?.push(pick.recipe_id);
      learned.get(p.person)?.push(minutes ?? maxMin);
    }
  }
  return people.map((p) => {
    const best = [...ids].sort((a, b) => expected(p, a) - expected(p, b))[0] ?? ids[0] ?? "";
    const mine = choices.get(p.person) ?? [];
    const after = mine.slice(20);
    const fixed = Array.from(
      { length: episodes },
      () =>
        minutesToCalm(p.prefers, senses.get(config.learning.default_recipe) as RoomSense, rng, maxMin) ??
        maxMin,
    );
    const mean = (xs: number[]) =>
      Math.round((xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)) * 10) / 10;
    return {
      person: p.person,
      best_recipe: best,
      best_share_after_20: after.length ? after.filter((c) => c === best).length / after.length : 0,
      mean_min_learned: mean(learned.get(p.person) ?? []),
      mean_min_fixed: mean(fixed),
      choices: mine,
      minutes: learned.get(p.person) ?? [],
    };
  });
}

/** `calm-hub evaluate-learning [--episodes N] [--seed S] [--json]`. */
export async function evaluateLearningCommand(
  argv: string[],
  io: { stdout(s: string): void; stderr(s: string): void },
): Promise<number> {
  let episodes = 40;
  let seed = 1;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") json = true;
    else if (a === "--episodes" || a === "--seed") {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) {
        io.stderr(`calm-hub evaluate-learning: ${a} needs a whole number ≥ 1\n`);
        return 2;
      }
      if (a === "--episodes") episodes = v;
      else seed = v;
    } else {
      io.stderr(`calm-hub evaluate-learning: unknown option "${a}" (--episodes N, --seed S, --json)\n`);
      return 2;
    }
  }
  const figures = evaluateLearning({ episodes, seed });
  if (json) {
    io.stdout(`${JSON.stringify(figures, null, 2)}\n`);
    return 0;
  }
  io.stdout(`Simulated people × ${episodes} episodes, recipe chosen by the hub (seed ${seed}):\n`);
  for (const f of figures)
    io.stdout(
      `  ${f.person.padEnd(6)} best ${f.best_recipe.padEnd(16)} after the 20th: ${Math.round(f.best_share_after_20 * 100)} % best recipe; ` +
        `time to calm ${f.mean_min_learned} min learned vs ${f.mean_min_fixed} min with the fixed default\n`,
    );
  const share = figures.reduce((a, f) => a + f.best_share_after_20, 0) / Math.max(1, figures.length);
  io.stdout(
    `  overall: ${Math.round(share * 100)} % of episodes after the 20th used the person's best recipe\n`,
  );
  return 0;
}
