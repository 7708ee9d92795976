import type { DetectorConfigInput } from "../../config/index.js";
import { pool, type Scores, scores, type Tally, tally } from "./metrics.js";
import type { Recording } from "./recording.js";
import { replay, replayFixedHr, replayHrZ } from "./replay.js";

/** The detectors compared, under the same definitions. */
export const DETECTORS = {
  detector: "calm hub detector (onset change detector)",
  long_baseline: "the long-baseline score alone (the detector before the onset change detector)",
  hr_z: "per-person heart-rate z-score (>= 2 for 30 s, until < 1)",
  hr_100: "fixed rule: heart rate > 100 bpm",
} as const;
export type DetectorName = keyof typeof DETECTORS;

export interface DetectorReport {
  overall: Scores;
  subjects: Record<string, Scores>;
}

export interface EvaluationReport {
  detectors: Record<DetectorName, DetectorReport>;
}

/** Per second "high" of each detector, for the plot. */
export type Series = Record<DetectorName, boolean[]>;

/** Evaluates the detector and the comparisons on each recording; `progress` hears about each one. */
export function evaluate(
  recordings: readonly Recording[],
  config: DetectorConfigInput = {},
  progress: (subject: string, s: Scores) => void = () => {},
  series?: (r: Recording, s: Series) => void,
): EvaluationReport {
  const names = Object.keys(DETECTORS) as DetectorName[];
  const tallies = Object.fromEntries(names.map((n) => [n, [] as Tally[]])) as Record<DetectorName, Tally[]>;
  const subjects = Object.fromEntries(names.map((n) => [n, {}])) as Record<
    DetectorName,
    Record<string, Scores>
  >;
  const off: DetectorConfigInput = { ...config, onset: { ...config.onset, enabled: false } };
  for (const r of recordings) {
    const s: Series = {
      detector: replay(r, config),
      long_baseline: replay(r, off),
      hr_z: replayHrZ(r),
      hr_100: replayFixedHr(r),
    };
    for (const n of names) {
      const x = tally(r.t, r.label, s[n]);
      tallies[n].push(x);
      subjects[n][r.subject] = scores(x);
    }
    series?.(r, s);
    const mine = subjects.detector[r.subject];
    if (mine) progress(r.subject, mine);
  }
  const detectors = Object.fromEntries(
    names.map((n) => [n, { overall: scores(pool(tallies[n])), subjects: subjects[n] }]),
  ) as Record<DetectorName, DetectorReport>;
  return { detectors };
}
