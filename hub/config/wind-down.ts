/** The wind-down configuration: zod schemas are the source of truth for types, defaults and docs. */
import { z } from "zod";
import { eveningMinutes, isTimeZone, parseTime, WEEKDAYS } from "../core/index.js";
import { HhmmSchema, WeekdaySchema } from "./common.js";

/** "HH:MM" on a 24-hour clock. In a wind-down, times before 12:00 mean the following night. */
export const LocalTimeSchema = HhmmSchema.describe(
  'Local wall-clock time "HH:MM"; times before 12:00 fall in the night after the evening',
);

/** Evening sun events, each a suncalc time: the Sun crossing a given altitude while setting. */
export const SunEventSchema = z
  .enum(["golden_hour", "sunset_start", "sunset", "dusk", "civil_dusk", "nautical_dusk", "astronomical_dusk"])
  .describe(
    "golden_hour: Sun at +6°; sunset_start: lower limb touches the horizon; sunset: Sun gone (−0.833°); " +
      "dusk = civil_dusk: −6°; nautical_dusk: −12°; astronomical_dusk: −18° (night)",
  );
export type SunEvent = z.infer<typeof SunEventSchema>;

export const SunStartSchema = z
  .strictObject({
    sun: SunEventSchema,
    offset_min: z
      .number()
      .int()
      .min(-240)
      .max(240)
      .default(0)
      .describe("Minutes after (positive) or before (negative) the sun event"),
    earliest: LocalTimeSchema.optional().describe("Never start before this local time"),
    latest: LocalTimeSchema.optional().describe("Never start after this local time"),
    polar_fallback: LocalTimeSchema.default("21:00").describe(
      "Start time on days when the sun event does not happen (polar day or night) and the matching " +
        "clamp (latest when the Sun stays up, earliest when it stays down) is not set",
    ),
  })
  .refine(
    (s) => {
      const e = s.earliest === undefined ? undefined : parseTime(s.earliest);
      const l = s.latest === undefined ? undefined : parseTime(s.latest);
      return !e || !l || eveningMinutes(e) <= eveningMinutes(l);
    },
    { message: "earliest must not be after latest (times before 12:00 count as after midnight)" },
  )
  .describe("Start relative to an evening sun event, optionally clamped to a local time window");
export type SunStart = z.infer<typeof SunStartSchema>;

export const BedtimeStartSchema = z
  .strictObject({
    bedtime: LocalTimeSchema.describe(
      "Local bedtime; the wind-down ends here and starts duration_min before",
    ),
  })
  .describe("Start a fixed duration before a local bedtime");
export type BedtimeStart = z.infer<typeof BedtimeStartSchema>;

export const LightSettingSchema = z.strictObject({
  brightness_pct: z.number().int().min(0).max(100).describe("Brightness in percent (0 to 100)"),
  color_temp_kelvin: z.number().int().min(1000).max(10000).describe("Colour temperature in kelvin"),
});
export type LightSetting = z.infer<typeof LightSettingSchema>;

export const StepsSchema = z
  .union([
    z.strictObject({
      count: z.number().int().min(1).max(240).describe("Number of light changes from start to end"),
    }),
    z.strictObject({
      interval_min: z
        .number()
        .min(0.5)
        .max(60)
        .describe("Longest time between two light changes, in minutes"),
    }),
  ])
  .describe("Either a step count or a step interval");
export type Steps = z.infer<typeof StepsSchema>;

export const WindDownConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Switch this wind-down off without deleting it"),
    rooms: z
      .array(z.string().min(1))
      .min(1)
      .describe("Room ids (Home Assistant area ids) this wind-down dims; list every room for the whole home"),
    start: z
      .union([SunStartSchema, BedtimeStartSchema])
      .describe("When the wind-down starts: { sun, offset_min, earliest, latest } or { bedtime }"),
    duration_min: z
      .number()
      .int()
      .min(1)
      .max(360)
      .default(45)
      .describe("Length of the wind-down in real minutes (DST changes do not stretch it)"),
    night: LightSettingSchema.default({ brightness_pct: 10, color_temp_kelvin: 2200 }).describe(
      "Light setting reached at the end; lights already dimmer or warmer are left as they are",
    ),
    steps: StepsSchema.default({ interval_min: 5 }),
    soundscape: z.string().min(1).optional().describe("Soundscape name to play during the wind-down"),
    days: z
      .array(WeekdaySchema)
      .min(1)
      .optional()
      .describe("Weekdays (of the evening) on which it runs; every day when omitted"),
  })
  .describe("An evening wind-down for one or more rooms");
export type WindDownConfig = z.infer<typeof WindDownConfigSchema>;
export type WindDownConfigInput = z.input<typeof WindDownConfigSchema>;

/** Several wind-downs; a room may be in more than one only if their weekdays do not overlap. */
export const WindDownListSchema = z.array(WindDownConfigSchema).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((entry, index) => {
    if (!entry.enabled) return;
    for (const room of entry.rooms) {
      for (const day of entry.days ?? WEEKDAYS) {
        const key = `${room}\u0000${day}`;
        const other = seen.get(key);
        if (other !== undefined && other !== index) {
          ctx.addIssue({
            code: "custom",
            path: [index, "rooms"],
            message: `room "${room}" already has a wind-down on ${day} (entry ${other})`,
          });
          return;
        }
        seen.set(key, index);
      }
    }
  });
});

export const LocationSchema = z
  .strictObject({
    latitude: z.number().min(-90).max(90).describe("Degrees north (negative south)"),
    longitude: z.number().min(-180).max(180).describe("Degrees east (negative west)"),
    time_zone: z
      .string()
      .refine(isTimeZone, { message: 'expected an IANA time zone such as "Europe/Berlin"' })
      .describe("IANA time zone of the home"),
  })
  .describe("Where the home is; taken from Home Assistant's get_config unless configured");
export type Location = z.infer<typeof LocationSchema>;
