import { z } from "zod";

/** One signal's change detector: how it reads the signal and how quickly it decides. */
export const OnsetChannelConfigSchema = z.strictObject({
  /** Reference time constant while calm, seconds: slow enough that a task's rise stands out. */
  reference_s: z.number().positive().default(300),
  /** A falling signal pulls the reference down this quickly (skin conductance decays after a task, and the
   * next rise must count from where it has fallen to, not from the old height). */
  reference_down_s: z.number().positive().default(60),
  /** Noise scale: how far the signal wanders around the reference while calm, in its unit, never below
   * the floor. */
  noise_floor: z.number().positive(),
  noise_s: z.number().positive().default(300),
  /** CUSUM slack (in noise units per second: drift below it never accumulates) and firing threshold. */
  slack: z.number().min(0).default(0.5),
  threshold: z.number().positive().default(30),
  /** Smoothing of the raw reading before it is compared, seconds. */
  smoothing_s: z.number().min(0).default(10),
  /** Readings ignored after the sensor starts (or comes back after a gap), seconds: skin conductance
   * settles for minutes after a band is put on. */
  settle_s: z.number().min(0).default(0),
  weight: z.number().min(0).default(1),
});
export type OnsetChannelConfig = z.infer<typeof OnsetChannelConfigSchema>;

export const OnsetConfigSchema = z.strictObject({
  /** false: "high" comes from the long-baseline score alone, as before the onset detector. */
  enabled: z.boolean().default(true),
  /** ln(skin conductance): a task raises it by a similar factor whatever the person's level. */
  eda: OnsetChannelConfigSchema.default(
    OnsetChannelConfigSchema.parse({
      noise_floor: 0.02,
      reference_down_s: 30,
      slack: 3.5,
      threshold: 150,
      settle_s: 540,
    }),
  ),
  /** Off by default: on wrist heart rate it added more false alarms than onsets on S02-S20 (README). */
  hr: OnsetChannelConfigSchema.default(
    OnsetChannelConfigSchema.parse({ noise_floor: 2, slack: 2, threshold: 300, weight: 0 }),
  ),
  /** An episode ends when every channel's sum has stayed below its threshold this long... */
  release_s: z.number().min(0).default(60),
  /** ...or at this length, whatever the signal does: a rise that lasts is the new normal. */
  max_episode_s: z.number().positive().default(300),
  /** A silence longer than this starts the channel over (the band was off). */
  gap_s: z.number().positive().default(300),
});
export type OnsetConfig = z.infer<typeof OnsetConfigSchema>;

/** Artefact rejection for beat-to-beat (RR) intervals. */
export const ArtefactConfigSchema = z.strictObject({
  /** Physiologic bounds: an RR outside them is not a sinus beat (about 30-200 bpm). */
  min_rr_ms: z.number().positive().default(300),
  max_rr_ms: z.number().positive().default(2000),
  /** An RR that differs more than this fraction from the median of its local window is ectopic or missed. */
  max_deviation: z.number().positive().max(1).default(0.2),
  /** Beats on each side that form the local window (window = 2 * half_window + 1 beats). */
  half_window: z.number().int().min(1).default(5),
});
export type ArtefactConfig = z.infer<typeof ArtefactConfigSchema>;

/** Per-metric floor on the baseline spread, in the metric's unit: a very steady rest baseline must not turn
 * every small wobble into a large deviation. */
export const SpreadFloorSchema = z.strictObject({
  hr: z.number().positive().default(4),
  rmssd: z.number().positive().default(6),
  sdnn: z.number().positive().default(8),
  eda: z.number().positive().default(0.03),
  resp: z.number().positive().default(1.5),
  skin_temp: z.number().positive().default(0.25),
});

export const BaselineConfigSchema = z.strictObject({
  /** IANA time zone used to split the day into parts; the hub should pass Home Assistant's. */
  time_zone: z.string().min(1).default("UTC"),
  /** Minute aggregates kept per (source, metric, day part): older ones roll out. */
  window_minutes: z.number().int().min(10).max(10_000).default(720),
  /** Minute aggregates needed before a baseline is trusted. */
  min_minutes: z.number().int().min(1).default(5),
  spread_floor: SpreadFloorSchema.default(SpreadFloorSchema.parse({})),
});
export type BaselineConfig = z.infer<typeof BaselineConfigSchema>;

/** How much each signal counts in the fused score. 0 switches a signal off. */
export const WeightsSchema = z.strictObject({
  hr: z.number().min(0).default(1),
  hrv: z.number().min(0).default(0.7),
  eda: z.number().min(0).default(0.7),
  resp: z.number().min(0).default(0.2),
  skin_temp: z.number().min(0).default(0.2),
  vendor: z.number().min(0).default(1),
  /** A quick rise of heart rate or skin conductance against the last few minutes (task onsets). */
  rise: z.number().min(0).default(0.5),
});

/**
 * The detector's settings. The defaults were chosen on stress-predict S02-S20 only (see
 * `calm-hub evaluate`); S21-S35 were kept for a single held-out run.
 */
export const DetectorConfigSchema = z.strictObject({
  artefacts: ArtefactConfigSchema.default(ArtefactConfigSchema.parse({})),
  baseline: BaselineConfigSchema.default(BaselineConfigSchema.parse({})),
  weights: WeightsSchema.default(WeightsSchema.parse({})),
  /** Deviation (robust z) where a signal starts to count, and where it counts fully. */
  z_start: z.number().default(1),
  z_full: z.number().default(4),
  /** Time constant of the smoothing of the physiological score, seconds. */
  smoothing_s: z.number().positive().default(20),
  /** Score thresholds, with lower exit thresholds (hysteresis). */
  elevated_enter: z.number().min(0).max(100).default(40),
  elevated_exit: z.number().min(0).max(100).default(30),
  high_enter: z.number().min(0).max(100).default(60),
  high_exit: z.number().min(0).max(100).default(45),
  /** A rise must hold this long before the level goes up (one spike is not an episode). */
  min_duration_s: z.number().min(0).default(45),
  /** A fall must hold this long before the level goes down. */
  exit_duration_s: z.number().min(0).default(90),
  /** A fresh vendor stress score at or above this maps straight to "high" (the vendor already smooths). */
  vendor_high: z.number().min(0).max(100).default(70),
  /** Without a baseline: heart rate where the conservative fallback starts to count and counts fully. */
  fallback_hr_start: z.number().default(105),
  fallback_hr_full: z.number().default(135),
  /** Readings older than this (received_at - measured_at) update the baseline but never act. */
  max_age_s: z.number().positive().default(300),
  /** Readings below this quality are ignored. */
  min_quality: z.number().min(0).max(1).default(0.3),
  /** A reading with at least this many steps counts as exercise. */
  exercise_steps: z.number().positive().default(60),
  /** Heart rate stays up after exercise: suppression lasts this long after the last active reading. */
  exercise_cooldown_s: z.number().min(0).default(600),
  /** A longer silence restarts smoothing and pending level changes. */
  gap_s: z.number().positive().default(300),
  /** Beats kept for HRV from RR intervals, and the fewest clean beats that give an HRV value. */
  rr_window_s: z.number().positive().default(60),
  rr_min_beats: z.number().int().min(3).default(20),
  /** The "recent" reference for quick rises: minute medians kept, and how many are needed. */
  recent_minutes: z.number().int().min(2).default(5),
  recent_min_minutes: z.number().int().min(1).default(3),
  /** While "high", the baseline is frozen so an episode does not become the norm, but not for longer than this. */
  baseline_freeze_max_s: z.number().min(0).default(1800),
  /** The change detector that decides "high" for readings without a vendor score. */
  onset: OnsetConfigSchema.default(OnsetConfigSchema.parse({})),
});
export type DetectorConfig = z.infer<typeof DetectorConfigSchema>;
export type DetectorConfigInput = z.input<typeof DetectorConfigSchema>;
