import { z } from "zod";
import { MoodSchema, MoodSourceSchema } from "../core/index.js";

/** Store scope of moods: key "<person>:<ms timestamp>", so export and delete by person cover them. */
export const MOOD_SCOPE = "mood";
/** Store scope of check-ins sent (or held back): key "<person>:<id>". */
export const CHECK_IN_SCOPE = "mood_check_in";

/** One mood as a person told it. The shape other features read (insights), so fields are only ever added. */
export const MoodRecordSchema = z.object({
  person: z.string(),
  at: z.number().describe("When the mood was told (epoch ms)"),
  mood: MoodSchema,
  source: MoodSourceSchema,
  note: z.string().optional(),
});
export type MoodRecord = z.infer<typeof MoodRecordSchema>;

export const CheckInKindSchema = z.enum(["after_episode", "evening"]);
export type CheckInKind = z.infer<typeof CheckInKindSchema>;

/** `held`: not sent (quiet hours, pause, mode, asleep); it does not count against the daily limit. */
export const CheckInOutcomeSchema = z.enum(["sent", "answered", "dismissed", "held", "failed"]);
export type CheckInOutcome = z.infer<typeof CheckInOutcomeSchema>;

/** One check-in. No reading, no mood text beyond the answer the person tapped. */
export const CheckInRecordSchema = z.object({
  id: z.string(),
  person: z.string(),
  kind: CheckInKindSchema,
  /** When it was meant to go out; it is never sent long after. */
  due_at: z.number(),
  sent_at: z.number(),
  /** Local calendar date of `sent_at`, for the daily limit. */
  day: z.string(),
  outcome: CheckInOutcomeSchema,
  answered_at: z.number().nullable(),
  mood: MoodSchema.nullable(),
  episode_id: z.string().nullable(),
  detail: z.string().nullable(),
});
export type CheckInRecord = z.infer<typeof CheckInRecordSchema>;

export function moodKey(person: string, at: number): string {
  return `${person}:${at}`;
}
