/** What the evaluation reports for one subject or pooled over several. */
export interface Scores {
  tasks_detected: number;
  tasks_total: number;
  /** Median seconds from a task's start to the first "high" (detected tasks only); null when none. */
  median_delay_s: number | null;
  false_episodes_per_rest_h: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Raw counts behind the scores, so subjects can be pooled exactly. */
export interface Tally {
  tasks_detected: number;
  tasks_total: number;
  delays_s: number[];
  false_episodes: number;
  rest_s: number;
  tp: number;
  fp: number;
  fn: number;
}

/** A detection up to this long after a task's end still counts for that task. */
export const DETECT_GRACE_S = 60;
/** Onsets this soon after a task's end are the same episode winding down, not false alarms. */
export const AFTER_TASK_S = 120;

/**
 * Compares a per-second "high" series with the per-second labels.
 * - task detected: some second of "high" in [start, end + 60 s]; delay = that first second - start;
 * - false episode: an onset of "high" (previous second not high) in rest, not within 120 s after a task;
 *   rest hours count rest seconds outside those 120 s windows;
 * - precision/recall/F1: per second, "high" against label 1.
 */
function emptyTally(): Tally {
  return {
    tasks_detected: 0,
    tasks_total: 0,
    delays_s: [],
    false_episodes: 0,
    rest_s: 0,
    tp: 0,
    fp: 0,
    fn: 0,
  };
}

export function tally(t: readonly number[], label: readonly (0 | 1)[], high: readonly boolean[]): Tally {
  const out = emptyTally();
  const tasks: { start: number; end: number }[] = [];
  for (let i = 0; i < t.length; i++) {
    const ti = t[i] ?? 0;
    if (label[i] === 1) {
      const last = tasks.at(-1);
      if (last && label[i - 1] === 1) last.end = ti;
      else tasks.push({ start: ti, end: ti });
    }
    if (high[i] && label[i] === 1) out.tp++;
    else if (high[i]) out.fp++;
    else if (label[i] === 1) out.fn++;
  }
  out.tasks_total = tasks.length;
  for (const task of tasks) {
    for (let i = 0; i < t.length; i++) {
      const ti = t[i] ?? 0;
      if (ti < task.start) continue;
      if (ti > task.end + DETECT_GRACE_S) break;
      if (high[i]) {
        out.tasks_detected++;
        out.delays_s.push(ti - task.start);
        break;
      }
    }
  }
  const afterTask = (ti: number): boolean => tasks.some((k) => ti > k.end && ti <= k.end + AFTER_TASK_S);
  for (let i = 0; i < t.length; i++) {
    if (label[i] !== 0) continue;
    const ti = t[i] ?? 0;
    if (afterTask(ti)) continue;
    out.rest_s++;
    if (high[i] && !(i > 0 && high[i - 1])) out.false_episodes++;
  }
  return out;
}

export function pool(tallies: readonly Tally[]): Tally {
  const out = emptyTally();
  for (const x of tallies) {
    out.tasks_detected += x.tasks_detected;
    out.tasks_total += x.tasks_total;
    out.delays_s.push(...x.delays_s);
    out.false_episodes += x.false_episodes;
    out.rest_s += x.rest_s;
    out.tp += x.tp;
    out.fp += x.fp;
    out.fn += x.fn;
  }
  return out;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const hi = s[mid] ?? 0;
  return s.length % 2 === 1 ? hi : ((s[mid - 1] ?? hi) + hi) / 2;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

export function scores(x: Tally): Scores {
  const precision = x.tp + x.fp === 0 ? 0 : x.tp / (x.tp + x.fp);
  const recall = x.tp + x.fn === 0 ? 0 : x.tp / (x.tp + x.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    tasks_detected: x.tasks_detected,
    tasks_total: x.tasks_total,
    median_delay_s: median(x.delays_s),
    false_episodes_per_rest_h: x.rest_s === 0 ? 0 : r3(x.false_episodes / (x.rest_s / 3600)),
    precision: r3(precision),
    recall: r3(recall),
    f1: r3(f1),
  };
}
