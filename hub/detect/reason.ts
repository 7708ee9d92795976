import type { DayPart } from "./day-part.js";
import type { Contribution, Signal } from "./score.js";

const PHRASE: Record<Signal, string> = {
  hr: "heart rate above",
  hrv: "heart rate variability below",
  eda: "skin conductance above",
  resp: "breathing faster than",
  skin_temp: "skin temperature below",
  vendor: "the wearable's own stress score",
  rise: "a quick rise compared with",
};

export interface ReasonInput {
  contributions: readonly Contribution[];
  baselineReady: boolean;
  dayPart: DayPart | "all" | undefined;
  exercising: boolean;
  asleep: boolean;
  stale: boolean;
  vendorFastPath: boolean;
  /** The onset change detector sees a new rise (it decides "high" when there is no vendor score). */
  onset?: boolean | undefined;
  /** The level in force, which lags the score on the way down (hysteresis). */
  level?: "calm" | "elevated" | "high" | undefined;
}

/** Plain words, never a raw health value: the state is published on MQTT and shown to the household. */
export function describe(input: ReasonInput): string {
  const notes: string[] = [];
  if (input.exercising) return "raised readings look like exercise, so they are not counted as stress";
  const top = [...input.contributions]
    .filter((c) => c.weight > 0 && c.score >= 25)
    .sort((a, b) => b.score * b.weight - a.score * a.weight)
    .slice(0, 2);
  const where = input.dayPart && input.dayPart !== "all" ? `your ${input.dayPart} baseline` : "your baseline";
  let main: string;
  if (input.vendorFastPath) main = "the wearable's own stress score is high";
  else if (input.onset) main = "a new rise compared with the last few calm minutes";
  else if (top.length === 0 && input.level !== undefined && input.level !== "calm")
    main = `easing off; the level stays ${input.level} until it has been lower for a while`;
  else if (top.length === 0)
    main = input.baselineReady ? `readings close to ${where}` : "no clear sign of stress";
  else
    main = top
      .map((c) =>
        c.signal === "vendor"
          ? "the wearable's own stress score is raised"
          : c.signal === "rise"
            ? "a quick rise compared with the last few minutes"
            : `${PHRASE[c.signal]} ${input.baselineReady ? where : "the usual range"}`,
      )
      .join(" and ");
  if (!input.baselineReady) notes.push("personal baseline still forming, using cautious fixed limits");
  if (input.asleep) notes.push("asleep, so no action");
  if (input.stale) notes.push("reading arrived late, so no action");
  return [main, ...notes].join("; ");
}
