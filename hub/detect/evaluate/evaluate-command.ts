import path from "node:path";
import type { DetectorConfigInput } from "../../config/index.js";
import { type CommandIo, EXIT_INPUT, EXIT_OK, EXIT_USAGE } from "../command-io.js";
import type { Scores } from "./metrics.js";
import { type EvaluationReport, evaluate } from "./run.js";
import { loadStressPredict, parseSubjects } from "./stress-predict.js";

const USAGE =
  "usage: calm-hub evaluate --dataset stress-predict --subjects S21-S35 [--json] [--data-dir DIR]\n" +
  "  DIR defaults to $CALM_DATASETS_DIR, else ../shared/data";

export interface EvaluateIo extends CommandIo {
  /** Environment (for CALM_DATASETS_DIR); the process environment when absent. */
  env?: Record<string, string | undefined>;
  /** Detector configuration to evaluate; the defaults when absent. */
  config?: DetectorConfigInput;
}

function pct(a: number, b: number): string {
  return b === 0 ? "-" : `${Math.round((100 * a) / b)}%`;
}

function row(name: string, s: Scores): string {
  const delay = s.median_delay_s === null ? "-" : `${Math.round(s.median_delay_s)} s`;
  return [
    name.padEnd(9),
    `${s.tasks_detected}/${s.tasks_total} (${pct(s.tasks_detected, s.tasks_total)})`.padEnd(13),
    delay.padStart(8),
    s.false_episodes_per_rest_h.toFixed(2).padStart(10),
    s.precision.toFixed(2).padStart(6),
    s.recall.toFixed(2).padStart(6),
    s.f1.toFixed(2).padStart(6),
  ].join(" ");
}

function render(report: EvaluationReport): string {
  const head = `${"subject".padEnd(9)} ${"tasks".padEnd(13)} ${"delay".padStart(8)} ${"false/h".padStart(10)} ${"prec".padStart(6)} ${"recall".padStart(6)} ${"F1".padStart(6)}`;
  const lines = ["calm hub detector", head];
  for (const [k, s] of Object.entries(report.subjects)) lines.push(row(k, s));
  lines.push(row("overall", report.overall), "", "fixed rule: heart rate > 100 bpm", head);
  for (const [k, s] of Object.entries(report.baseline.subjects)) lines.push(row(k, s));
  lines.push(row("overall", report.baseline.overall));
  return `${lines.join("\n")}\n`;
}

/**
 * `calm-hub evaluate`: replays labelled recordings through the detector and reports how it finds the stress
 * tasks, beside the fixed HR > 100 rule. Returns the exit code.
 */
export async function evaluateCommand(argv: string[], io: EvaluateIo): Promise<number> {
  let dataset: string | undefined;
  let subjectsSpec: string | undefined;
  let dataDir: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string | undefined => argv[++i];
    if (a === "--json") json = true;
    else if (a === "--dataset") dataset = value();
    else if (a === "--subjects") subjectsSpec = value();
    else if (a === "--data-dir") dataDir = value();
    else if (a === "-h" || a === "--help") {
      io.stdout(`${USAGE}\n`);
      return EXIT_OK;
    } else {
      io.stderr(`unexpected argument ${a}\n${USAGE}\n`);
      return EXIT_USAGE;
    }
  }
  if (dataset !== "stress-predict") {
    io.stderr(
      `${dataset === undefined ? "missing --dataset" : `unknown dataset ${dataset}`} (supported: stress-predict)\n${USAGE}\n`,
    );
    return EXIT_USAGE;
  }
  if (subjectsSpec === undefined) {
    io.stderr(`missing --subjects\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  let subjects: string[];
  try {
    subjects = parseSubjects(subjectsSpec);
  } catch (err) {
    io.stderr(`${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  const env = io.env ?? process.env;
  const dir = path.resolve(dataDir ?? env.CALM_DATASETS_DIR ?? "../shared/data");
  let recordings: Awaited<ReturnType<typeof loadStressPredict>>;
  try {
    recordings = await loadStressPredict(dir, subjects, io.readFile);
  } catch (err) {
    io.stderr(`cannot read the stress-predict data under ${dir}: ${(err as Error).message}\n`);
    return EXIT_INPUT;
  }
  const missing = subjects.filter((s) => !recordings.some((r) => r.subject === s));
  if (missing.length > 0) io.stderr(`no data for ${missing.join(", ")}\n`);
  if (recordings.length === 0) {
    io.stderr("nothing to evaluate\n");
    return EXIT_INPUT;
  }
  const report = evaluate(recordings, io.config ?? {}, (subject, s) => {
    io.stderr(
      `${subject}: ${s.tasks_detected}/${s.tasks_total} tasks, ${s.false_episodes_per_rest_h.toFixed(2)} false/h\n`,
    );
  });
  io.stdout(json ? `${JSON.stringify(report)}\n` : render(report));
  return EXIT_OK;
}
