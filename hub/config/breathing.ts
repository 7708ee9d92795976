import { z } from "zod";

/** The `breathing:` section: how the breathing guide paces a person down to slow breathing. */
export const BreathingConfigSchema = z
  .strictObject({
    target_bpm: z
      .number()
      .min(4)
      .max(10)
      .default(6)
      .describe("Breaths per minute the guide slows toward (about six is the usual slow-breathing pace)."),
    default_start_bpm: z
      .number()
      .min(4)
      .max(20)
      .default(10)
      .describe("Starting pace when neither respiration nor heart rate is known."),
    max_start_bpm: z
      .number()
      .min(4)
      .max(20)
      .default(12)
      .describe("The guide never starts faster than this, however fast the person breathes."),
    step_bpm: z
      .number()
      .min(0.1)
      .max(2)
      .default(0.5)
      .describe("How much slower each step is while the person follows."),
    breaths_per_step: z
      .number()
      .int()
      .min(1)
      .max(30)
      .default(3)
      .describe("Breaths at one pace before the next step, while the person follows."),
    gentle_step_bpm: z
      .number()
      .min(0.05)
      .max(2)
      .default(0.25)
      .describe("The smaller step taken when the person's breathing (or heart rate) does not follow."),
    gentle_breaths_per_step: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(6)
      .describe("Breaths the pace is held when the person does not follow."),
    follow_tolerance_bpm: z
      .number()
      .min(0.1)
      .max(5)
      .default(1.5)
      .describe("Respiration within this of the pace (or below it) counts as following."),
    depth_pct: z
      .number()
      .min(5)
      .max(90)
      .default(40)
      .describe("How far the light dims on each exhale, in percent of its calm brightness."),
    max_change_pct_per_s: z
      .number()
      .min(1)
      .max(100)
      .default(8)
      .describe("The light never changes faster than this, in percent of full brightness per second."),
    volume_depth: z
      .number()
      .min(0)
      .max(0.5)
      .default(0.08)
      .describe("How far the soundscape's volume dips on each exhale, when there is no light to use."),
    max_minutes: z.number().min(1).max(60).default(10).describe("The guide ends after this long."),
    reading_max_age_s: z
      .number()
      .min(5)
      .max(600)
      .default(60)
      .describe("Respiration or heart rate older than this is not used to start or adapt the pace."),
  })
  .refine((b) => b.target_bpm <= b.max_start_bpm, {
    message: "target_bpm must not be above max_start_bpm",
    path: ["target_bpm"],
  });
export type BreathingConfig = z.infer<typeof BreathingConfigSchema>;
