import { z } from "zod";

/**
 * The moods a person can report, from the brightest to the heaviest. Shared by voice, the API, the phone
 * check-in and the config (which buttons a check-in shows), so it lives with the other cross-stage data.
 */
export const MOODS = ["great", "good", "okay", "tired", "anxious", "stressed", "low"] as const;
export const MoodSchema = z.enum(MOODS);
export type Mood = z.infer<typeof MoodSchema>;

/** Where a mood came from. */
export const MOOD_SOURCES = ["notification", "voice", "api", "dashboard"] as const;
export const MoodSourceSchema = z.enum(MOOD_SOURCES);
export type MoodSource = z.infer<typeof MoodSourceSchema>;

/**
 * How pleasant each mood is, on one scale from -2 to 2, for comparing moods with stress over days. "Tired" and
 * "anxious" sit together just below "okay": neither is worse than feeling low or stressed.
 */
export const MOOD_VALENCE: Readonly<Record<Mood, number>> = {
  great: 2,
  good: 1,
  okay: 0,
  tired: -1,
  anxious: -1,
  stressed: -2,
  low: -2,
};

/** How a mood reads in a sentence or on a button: "okay" → "Okay". */
export function moodTitle(mood: Mood): string {
  return mood.charAt(0).toUpperCase() + mood.slice(1);
}
