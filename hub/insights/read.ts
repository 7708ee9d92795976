import { z } from "zod";
import { MOOD_VALENCE, MoodSchema } from "../mood/index.js";
import { ActivityDaySchema, type InsightInput, type RecipeOutcome, StressHourSchema } from "./compute.js";
import { ACTIVITY_DAY_SCOPE, STRESS_HOUR_SCOPE } from "./daily-log.js";

export interface InsightDocs {
  list<T>(
    scope: string,
    schema: z.ZodType<T>,
    options?: { person?: string; limit?: number },
  ): { key: string; value: T }[];
}

// Only the fields the insights use: a record that gains fields stays readable, one that lost them is skipped.
const MoodPointSchema = z.object({ at: z.number(), mood: MoodSchema });
const OutcomeSchema = z.object({
  recipe_id: z.string(),
  recipe_title: z.string(),
  started_at: z.number(),
  minutes_to_calm: z.number().nullable(),
  auc_15min: z.number().nullable(),
  stopped_by_person: z.boolean(),
}) satisfies z.ZodType<RecipeOutcome>;

/** 90 days of hours, the longest the episode history keeps by default, and then some. */
const MAX_ROWS = 5_000;

/** A person's stored summaries, moods and recipe outcomes, as the pure insights take them. */
export function readInsightInput(docs: InsightDocs, person: string): InsightInput {
  const rows = <T>(scope: string, schema: z.ZodType<T>) =>
    docs.list(scope, schema, { person, limit: MAX_ROWS }).map((r) => r.value);
  return {
    hours: rows(STRESS_HOUR_SCOPE, StressHourSchema),
    days: rows(ACTIVITY_DAY_SCOPE, ActivityDaySchema),
    moods: rows("mood", MoodPointSchema).map((m) => ({ at: m.at, valence: MOOD_VALENCE[m.mood] })),
    outcomes: rows("outcome", OutcomeSchema),
  };
}
