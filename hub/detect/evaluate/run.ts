import type { DetectorConfigInput } from "../../config/index.js";
import { pool, type Scores, scores, type Tally, tally } from "./metrics.js";
import type { Recording } from "./recording.js";
import { replay, replayFixedHr } from "./replay.js";

export interface EvaluationReport {
  overall: Scores;
  subjects: Record<string, Scores>;
  baseline: { overall: Scores; subjects: Record<string, Scores> };
}

/** Evaluates the detector and the fixed HR > 100 rule on each recording; `progress` hears about each one. */
export function evaluate(
  recordings: readonly Recording[],
  config: DetectorConfigInput = {},
  progress: (subject: string, s: Scores) => void = () => {},
): EvaluationReport {
  const mine: Tally[] = [];
  const fixed: Tally[] = [];
  const subjects: Record<string, Scores> = {};
  const fixedSubjects: Record<string, Scores> = {};
  for (const r of recordings) {
    const a = tally(r.t, r.label, replay(r, config));
    const b = tally(r.t, r.label, replayFixedHr(r));
    mine.push(a);
    fixed.push(b);
    subjects[r.subject] = scores(a);
    fixedSubjects[r.subject] = scores(b);
    progress(r.subject, scores(a));
  }
  return {
    overall: scores(pool(mine)),
    subjects,
    baseline: { overall: scores(pool(fixed)), subjects: fixedSubjects },
  };
}
