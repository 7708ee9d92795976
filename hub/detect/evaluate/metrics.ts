/** The protocol's tasks in the order every stress-predict recording has them. */
export const TASK_TYPES = ["stroop", "interview", "hyperventilation"] as const;
export type TaskType = (typeof TASK_TYPES)[number] | "other";

/**
 * What became of one task:
 * - new: "high" switched on (it was not high the second before) within [start, end + 60 s];
 * - carried_task / carried_rest: "high" already at the start, from an episode that began in or just after an
 *   earlier task, or in rest (a false alarm), and no new switch-on within the window: it says nothing
 *   about this task;
 * - missed: neither.
 */
export type Outcome = "new" | "carried_task" | "carried_rest" | "missed";

export interface TaskResult {
  type: TaskType;
  start: number;
  end: number;
  outcome: Outcome;
  /** Seconds from the task's start to the new switch-on; null unless outcome is "new". */
  delay_s: number | null;
}

/** Raw counts behind the scores, so subjects can be pooled exactly. */
export interface Tally {
  tasks: TaskResult[];
  /** Rests that lie between two tasks, and those in which "high" was off at least once. */
  rests_between: number;
  rests_released: number;
  false_episodes: number;
  rest_s: number;
  rest_high_s: number;
  tp: number;
  fp: number;
  fn: number;
}

export interface TaskScores {
  tasks_total: number;
  /** Tasks with a new switch-on (the headline: "it noticed"). */
  new_onsets: number;
  new_onset_share: number;
  /** Median seconds from task start to the new switch-on; null when none. */
  median_delay_s: number | null;
  carried_from_task: number;
  carried_from_rest: number;
  missed: number;
}

/** What the evaluation reports for one subject or pooled over several. */
export interface Scores extends TaskScores {
  rests_between_tasks: number;
  rests_released: number;
  /** Share of rest seconds (outside the 120 s after each task) spent "high". */
  rest_high_share: number;
  false_episodes: number;
  rest_hours: number;
  false_episodes_per_rest_h: number;
  /** Per second, "high" against the label. Flattered by a detector that stays high: read with the rest. */
  precision: number;
  recall: number;
  f1: number;
  by_task: Record<(typeof TASK_TYPES)[number], TaskScores>;
}

/** A switch-on up to this long after a task's end still counts for that task. */
export const DETECT_GRACE_S = 60;
/** Onsets this soon after a task's end are the same episode winding down, not false alarms. */
export const AFTER_TASK_S = 120;

interface Span {
  start: number;
  end: number;
  /** Row indices. */
  i0: number;
  i1: number;
}

function runsOf(label: readonly (0 | 1)[], t: readonly number[], want: 0 | 1): Span[] {
  const out: Span[] = [];
  for (let i = 0; i < label.length; i++) {
    if (label[i] !== want) continue;
    const ti = t[i] ?? 0;
    const last = out.at(-1);
    if (last && last.i1 === i - 1) {
      last.end = ti;
      last.i1 = i;
    } else out.push({ start: ti, end: ti, i0: i, i1: i });
  }
  return out;
}

function emptyTally(): Tally {
  return {
    tasks: [],
    rests_between: 0,
    rests_released: 0,
    false_episodes: 0,
    rest_s: 0,
    rest_high_s: 0,
    tp: 0,
    fp: 0,
    fn: 0,
  };
}

/** Compares a per-second "high" series with the per-second labels (1 = task). */
export function tally(t: readonly number[], label: readonly (0 | 1)[], high: readonly boolean[]): Tally {
  const out = emptyTally();
  for (let i = 0; i < t.length; i++) {
    if (high[i] && label[i] === 1) out.tp++;
    else if (high[i]) out.fp++;
    else if (label[i] === 1) out.fn++;
  }
  const tasks = runsOf(label, t, 1);
  const inTaskWindow = (ti: number): boolean =>
    tasks.some((k) => ti >= k.start && ti <= k.end + DETECT_GRACE_S);
  tasks.forEach((task, n) => {
    const type: TaskType = TASK_TYPES[n] ?? "other";
    let outcome: Outcome = "missed";
    let delay: number | null = null;
    for (let i = task.i0; i < t.length; i++) {
      const ti = t[i] ?? 0;
      if (ti > task.end + DETECT_GRACE_S) break;
      if (high[i] && !(i > 0 && high[i - 1])) {
        outcome = "new";
        delay = ti - task.start;
        break;
      }
    }
    if (outcome === "missed" && task.i0 > 0 && high[task.i0 - 1]) {
      let j = task.i0 - 1;
      while (j > 0 && high[j - 1]) j--;
      outcome = inTaskWindow(t[j] ?? 0) ? "carried_task" : "carried_rest";
    }
    out.tasks.push({ type, start: task.start, end: task.end, outcome, delay_s: delay });
  });
  const first = tasks[0];
  const last = tasks.at(-1);
  for (const rest of runsOf(label, t, 0)) {
    if (!first || !last || rest.start < first.end || rest.end > last.start) continue;
    out.rests_between++;
    let released = false;
    for (let i = rest.i0; i <= rest.i1 && !released; i++) released = !high[i];
    if (released) out.rests_released++;
  }
  const afterTask = (ti: number): boolean => tasks.some((k) => ti > k.end && ti <= k.end + AFTER_TASK_S);
  for (let i = 0; i < t.length; i++) {
    if (label[i] !== 0) continue;
    const ti = t[i] ?? 0;
    if (afterTask(ti)) continue;
    out.rest_s++;
    if (high[i]) out.rest_high_s++;
    if (high[i] && !(i > 0 && high[i - 1])) out.false_episodes++;
  }
  return out;
}

export function pool(tallies: readonly Tally[]): Tally {
  const out = emptyTally();
  for (const x of tallies) {
    out.tasks.push(...x.tasks);
    out.rests_between += x.rests_between;
    out.rests_released += x.rests_released;
    out.false_episodes += x.false_episodes;
    out.rest_s += x.rest_s;
    out.rest_high_s += x.rest_high_s;
    out.tp += x.tp;
    out.fp += x.fp;
    out.fn += x.fn;
  }
  return out;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const hi = s[mid] ?? 0;
  return s.length % 2 === 1 ? hi : ((s[mid - 1] ?? hi) + hi) / 2;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function taskScores(tasks: readonly TaskResult[]): TaskScores {
  const count = (o: Outcome): number => tasks.filter((k) => k.outcome === o).length;
  const delays = tasks.flatMap((k) => (k.delay_s === null ? [] : [k.delay_s]));
  return {
    tasks_total: tasks.length,
    new_onsets: count("new"),
    new_onset_share: tasks.length === 0 ? 0 : r3(count("new") / tasks.length),
    median_delay_s: median(delays),
    carried_from_task: count("carried_task"),
    carried_from_rest: count("carried_rest"),
    missed: count("missed"),
  };
}

export function scores(x: Tally): Scores {
  const precision = x.tp + x.fp === 0 ? 0 : x.tp / (x.tp + x.fp);
  const recall = x.tp + x.fn === 0 ? 0 : x.tp / (x.tp + x.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const byTask = Object.fromEntries(
    TASK_TYPES.map((type) => [type, taskScores(x.tasks.filter((k) => k.type === type))]),
  ) as Scores["by_task"];
  return {
    ...taskScores(x.tasks),
    rests_between_tasks: x.rests_between,
    rests_released: x.rests_released,
    rest_high_share: x.rest_s === 0 ? 0 : r3(x.rest_high_s / x.rest_s),
    false_episodes: x.false_episodes,
    rest_hours: r3(x.rest_s / 3600),
    false_episodes_per_rest_h: x.rest_s === 0 ? 0 : r3(x.false_episodes / (x.rest_s / 3600)),
    precision: r3(precision),
    recall: r3(recall),
    f1: r3(f1),
    by_task: byTask,
  };
}
