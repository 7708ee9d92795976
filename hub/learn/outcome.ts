import { z } from "zod";

/** How long after an episode (or a skipped moment) the score curve is followed. */
export const OUTCOME_WINDOW_MS = 15 * 60_000;

export interface ScorePoint {
  at: number;
  score: number;
}

/**
 * The area under the hub's stress score (0-100) over `windowMs` after `start`, in score-minutes: a score of 60
 * held for the whole 15 min is 900, and lower is calmer. Each reading's score holds until the next one; the
 * last score before `start` covers the gap up to the first reading after it. Null when no score is known at
 * or before any point of the window (nothing to integrate). `covered_min` says how much of the window the
 * readings reached: a window that ended early (readings stopped) is not stretched.
 */
export function scoreArea(
  points: readonly ScorePoint[],
  start: number,
  windowMs = OUTCOME_WINDOW_MS,
): { area: number; covered_min: number } | null {
  const end = start + windowMs;
  const sorted = [...points].sort((a, b) => a.at - b.at);
  let current: number | undefined;
  for (const p of sorted) if (p.at <= start) current = p.score;
  let t = start;
  let area = 0;
  let covered = 0;
  for (const p of sorted) {
    if (p.at <= start) continue;
    if (p.at > end) break;
    if (current !== undefined) {
      area += current * (p.at - t);
      covered += p.at - t;
    }
    current = p.score;
    t = p.at;
  }
  const last = sorted.at(-1);
  // The final score holds up to the window's end only if readings went on past it (the window is complete).
  if (current !== undefined && last !== undefined && last.at > end) {
    area += current * (end - t);
    covered += end - t;
  }
  if (covered === 0) return null;
  return { area: round1(area / 60_000), covered_min: round1(covered / 60_000) };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

/** One episode's outcome as stored (scope "outcome", key "<person>:<episode id>"). */
export const OutcomeRecordSchema = z.object({
  person: z.string(),
  episode_id: z.string(),
  recipe_id: z.string(),
  recipe_title: z.string(),
  started_at: z.number(),
  stress_at_start: z.number().nullable(),
  minutes_to_calm: z.number().nullable(),
  auc_15min: z
    .number()
    .nullable()
    .describe("Score-minutes over the 15 min after the start (lower is calmer)"),
  window_complete: z.boolean().describe("Whether readings covered the whole 15 min"),
  overridden: z.boolean().describe("Someone changed a light or the speaker by hand during the episode"),
  stopped_by_person: z.boolean(),
  end_reason: z.string().nullable(),
  comparison: z
    .object({
      moments: z.number().int(),
      auc_15min_mean: z.number(),
    })
    .nullable()
    .describe("The same person's score area after moments an episode was held back (cooldown, pause, mode)"),
  auc_vs_comparison: z
    .number()
    .nullable()
    .describe("Comparison area minus this episode's: positive when the episode did better"),
});
export type OutcomeRecord = z.infer<typeof OutcomeRecordSchema>;

/** A moment an episode would have started but was held back (scope "outcome_comparison", "<person>:<ms>"). */
export const ComparisonRecordSchema = z.object({
  person: z.string(),
  at: z.number(),
  why: z.string(),
  stress_at_start: z.number().nullable(),
  auc_15min: z.number().nullable(),
  window_complete: z.boolean(),
});
export type ComparisonRecord = z.infer<typeof ComparisonRecordSchema>;

/** The mean area of the complete comparison windows, or null when there are none. */
export function comparisonOf(records: readonly ComparisonRecord[]): OutcomeRecord["comparison"] {
  const areas = records.flatMap((r) => (r.window_complete && r.auc_15min !== null ? [r.auc_15min] : []));
  if (areas.length === 0) return null;
  return { moments: areas.length, auc_15min_mean: round1(areas.reduce((a, b) => a + b, 0) / areas.length) };
}

export function minutesBetween(from: number, to: number | null): number | null {
  return to === null ? null : round1((to - from) / 60_000);
}
