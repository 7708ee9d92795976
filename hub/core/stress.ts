import { z } from "zod";

export const StressLevelSchema = z.enum(["calm", "elevated", "high"]);
export type StressLevel = z.infer<typeof StressLevelSchema>;

/** A person's current stress estimate: what `calm/<person>/state` carries and what rules see. */
export const StressStateSchema = z.strictObject({
  person: z.string(),
  level: StressLevelSchema,
  /** 0 (calm) to 100 (very stressed). */
  score: z.number().min(0).max(100),
  /** Epoch ms since the level last changed. */
  since: z.number(),
  /** Epoch ms of the reading this estimate came from. */
  at: z.number(),
  /** Plain words, no raw health values: e.g. "heart rate well above your evening baseline". */
  reason: z.string(),
  /** False while the personal baseline is still forming and a conservative fallback decides. */
  baseline_ready: z.boolean(),
  /** True when this reading may trigger actions (fresh, not during exercise or sleep). */
  actionable: z.boolean(),
});
export type StressState = z.infer<typeof StressStateSchema>;
