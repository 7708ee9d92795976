import { z } from "zod";

export const RecipeIdSchema = z
  .string()
  .regex(/^[a-z0-9_]+$/, "a recipe id is lower-case letters, digits and _ (e.g. dim_rain)");

/** How a recipe sets the lights: absent fields fall back to the `episodes` section; "unchanged" leaves them. */
export const RecipeLightSchema = z.union([
  z.literal("unchanged"),
  z.strictObject({
    brightness_pct: z
      .number()
      .min(1)
      .max(100)
      .optional()
      .describe("Calm brightness; never brighter than the light was, night caps still apply."),
    color_temp_kelvin: z.number().int().min(1500).max(6500).optional(),
  }),
]);

/** One way to calm a person down: what an episode does while it runs. */
export const RecipeSchema = z.strictObject({
  title: z
    .string()
    .min(1)
    .max(80)
    .optional()
    .describe('How it is named in words, e.g. "rain and dim lights".'),
  light: RecipeLightSchema.default({}),
  soundscape: z
    .string()
    .regex(/^[a-z0-9_]+$/)
    .nullable()
    .default(null)
    .describe("A soundscape name (see soundscapes), or null for none."),
  breathing_pacer: z.boolean().default(false).describe("Start the breathing guide once the lights are set."),
  friend_nudge: z.boolean().default(true).describe("Whether a friend may be nudged during this episode."),
});
export type Recipe = z.infer<typeof RecipeSchema>;
export type RecipeInput = z.input<typeof RecipeSchema>;

/** The recipe that does what every episode did before recipes existed: the `episodes` settings, no sound. */
export const STANDARD_RECIPE = "standard";

export const DEFAULT_RECIPES: Record<string, Recipe> = {
  [STANDARD_RECIPE]: {
    title: "the usual dim lights",
    light: {},
    soundscape: null,
    breathing_pacer: false,
    friend_nudge: true,
  },
  dim_rain: {
    title: "rain and dim lights",
    light: { brightness_pct: 25, color_temp_kelvin: 2200 },
    soundscape: "rain",
    breathing_pacer: false,
    friend_nudge: true,
  },
  dim_quiet: {
    title: "dim lights, no sound",
    light: { brightness_pct: 20, color_temp_kelvin: 2200 },
    soundscape: null,
    breathing_pacer: false,
    friend_nudge: true,
  },
  ocean_breathe: {
    title: "ocean and slow breathing",
    light: { brightness_pct: 30 },
    soundscape: "ocean",
    breathing_pacer: true,
    friend_nudge: false,
  },
  lights_only_warm: {
    title: "warm lights only",
    light: { color_temp_kelvin: 2000 },
    soundscape: null,
    breathing_pacer: false,
    friend_nudge: true,
  },
};

/** The `learning:` section: whether the hub picks a recipe per episode from what worked before. */
export const LearningConfigSchema = z.strictObject({
  enabled: z
    .boolean()
    .default(false)
    .describe(
      "Pick each episode's recipe from the person's outcomes (Thompson sampling); off: every episode uses default_recipe.",
    ),
  default_recipe: RecipeIdSchema.default(STANDARD_RECIPE).describe(
    "The recipe used when learning is off, and the fixed baseline the learning figure is compared with.",
  ),
  exploration: z
    .number()
    .min(0.05)
    .max(0.5)
    .default(0.08)
    .describe("Share of episodes that try a recipe at random whatever the outcomes say (at least 5 %)."),
  calm_cap_min: z
    .number()
    .min(5)
    .max(120)
    .default(20)
    .describe("Minutes to calm at which a run counts as not having helped at all."),
  household_prior_weight: z
    .number()
    .min(0)
    .max(20)
    .default(3)
    .describe("How many runs' worth the household's outcomes for a recipe count in a person's prior."),
});
export type LearningConfig = z.infer<typeof LearningConfigSchema>;
