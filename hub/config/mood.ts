import { z } from "zod";
import { MAX_NOTIFICATION_ACTIONS, MoodSchema, PersonIdSchema } from "../core/index.js";
import { HhmmSchema as HHMM, NotifyServiceSchema } from "./common.js";
import { QuietHoursSchema } from "./friends.js";

/** One person's check-ins. Listing a person is the opt-in. */
export const MoodPersonConfigSchema = z.strictObject({
  notify: NotifyServiceSchema.optional().describe(
    "This person's phone, e.g. notify.mobile_app_alice_phone; the friends section's phone when absent.",
  ),
});
export type MoodPersonConfig = z.infer<typeof MoodPersonConfigSchema>;

/** The `mood:` section: opt-in phone check-ins ("How do you feel?") and how long moods are kept. */
export const MoodConfigSchema = z
  .strictObject({
    people: z
      .record(PersonIdSchema, MoodPersonConfigSchema)
      .default({})
      .describe("Who gets check-ins: nobody unless listed here (a mood is always recorded when told)."),
    after_episode: z
      .boolean()
      .default(true)
      .describe("Ask how the person feels a little while after a calm episode ends."),
    after_episode_delay_min: z
      .number()
      .min(0)
      .max(240)
      .default(10)
      .describe("Minutes after the episode's end; a check-in that would come later than that is dropped."),
    evening_at: HHMM.nullable()
      .default("20:00")
      .describe("One evening check-in at this local time; null turns it off."),
    quiet_hours: QuietHoursSchema.optional().describe(
      "No check-in in this window; the night hours (night:) when absent.",
    ),
    max_per_day: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(2)
      .describe("At most this many check-ins per person per local day."),
    moods: z
      .array(MoodSchema)
      .min(1)
      .max(MAX_NOTIFICATION_ACTIONS)
      .default(["good", "okay", "stressed"])
      .describe(
        "The buttons of a check-in (Android shows at most three); any mood can be told by voice or API.",
      ),
    mood_days: z
      .number()
      .min(1)
      .max(3650)
      .default(365)
      .describe("Moods and check-ins older than this many days are deleted."),
  })
  .refine((c) => new Set(c.moods).size === c.moods.length, {
    path: ["moods"],
    message: "each mood once",
  });
export type MoodConfig = z.infer<typeof MoodConfigSchema>;
export type MoodConfigInput = z.input<typeof MoodConfigSchema>;
