import { createReadStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import type { DetectorConfigInput } from "../../config/index.js";
import { type CommandIo, EXIT_INPUT, EXIT_OK, EXIT_USAGE } from "../command-io.js";
import { type Scores, TASK_TYPES } from "./metrics.js";
import { renderPlot } from "./plot.js";
import type { Recording } from "./recording.js";
import { DETECTORS, type DetectorName, type EvaluationReport, evaluate, type Series } from "./run.js";
import { loadStressPredict, parseSubjects, type ReadLines } from "./stress-predict.js";
import { evaluateHrvWindows, parseWesadFeatures } from "./wesad.js";

const USAGE =
  "usage: calm-hub evaluate --dataset stress-predict --subjects S21-S35 [--json] [--out DIR] [--data-dir DIR]\n" +
  "       calm-hub evaluate --dataset wesad-hrv [--json] [--data-dir DIR]   (per-subject AUC, chest ECG windows)\n" +
  "  --out DIR writes evaluation.json and evaluation.svg (a plot of every subject) into DIR\n" +
  "  the data DIR defaults to $CALM_DATASETS_DIR, else ../shared/data";

export interface EvaluateIo extends CommandIo {
  /** Environment (for CALM_DATASETS_DIR); the process environment when absent. */
  env?: Record<string, string | undefined>;
  /** Detector configuration to evaluate; the defaults when absent. */
  config?: DetectorConfigInput;
  /** Line reader for the large processed file; node's readline over the file when absent. */
  readLines?: ReadLines;
  /** Writes the --out files; node's fs when absent. */
  writeFile?: (p: string, text: string) => Promise<void>;
}

async function* fileLines(p: string): AsyncIterable<string> {
  const rl = createInterface({ input: createReadStream(p, "utf8"), crlfDelay: Number.POSITIVE_INFINITY });
  try {
    yield* rl;
  } finally {
    rl.close();
  }
}

async function writeFs(p: string, text: string): Promise<void> {
  await mkdir(path.dirname(p), { recursive: true });
  await writeFile(p, text, "utf8");
}

function pct(a: number, b: number): string {
  return b === 0 ? "-" : `${Math.round((100 * a) / b)}%`;
}

const HEAD = [
  "subject".padEnd(9),
  "new on".padEnd(12),
  "delay".padStart(6),
  "carried t/r".padStart(11),
  "missed".padStart(6),
  "released".padStart(8),
  "rest hi".padStart(7),
  "false/h".padStart(8),
].join(" ");

function row(name: string, s: Scores): string {
  const delay = s.median_delay_s === null ? "-" : `${Math.round(s.median_delay_s)} s`;
  return [
    name.padEnd(9),
    `${s.new_onsets}/${s.tasks_total} (${pct(s.new_onsets, s.tasks_total)})`.padEnd(12),
    delay.padStart(6),
    `${s.carried_from_task}/${s.carried_from_rest}`.padStart(11),
    String(s.missed).padStart(6),
    `${s.rests_released}/${s.rests_between_tasks}`.padStart(8),
    `${Math.round(s.rest_high_share * 100)}%`.padStart(7),
    s.false_episodes_per_rest_h.toFixed(2).padStart(8),
  ].join(" ");
}

function render(report: EvaluationReport): string {
  const lines = [
    'A task counts when "high" switches on within [start, end + 60 s]; delay from the task\'s start.',
    "carried t/r: already high at the start, from an earlier task / from a false alarm in rest.",
    "released: rests between tasks in which high went off; rest hi: share of rest seconds high.",
  ];
  for (const [n, d] of Object.entries(report.detectors)) {
    lines.push("", DETECTORS[n as DetectorName], HEAD);
    for (const [k, s] of Object.entries(d.subjects)) lines.push(row(k, s));
    lines.push(row("overall", d.overall));
    for (const type of TASK_TYPES) {
      const t = d.overall.by_task[type];
      const delay = t.median_delay_s === null ? "-" : `${Math.round(t.median_delay_s)} s`;
      lines.push(
        `  ${type}: ${t.new_onsets}/${t.tasks_total} new, median ${delay}, carried ${t.carried_from_task}/${t.carried_from_rest}, missed ${t.missed}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

const WESAD = "holdout/wesad-chest-ecg-hrv-60s/wesad_features.csv";

async function wesad(dir: string, json: boolean, io: EvaluateIo): Promise<number> {
  let text: string;
  try {
    text = await io.readFile(path.join(dir, WESAD));
  } catch (err) {
    io.stderr(`cannot read ${WESAD} under ${dir}: ${(err as Error).message}\n`);
    return EXIT_INPUT;
  }
  const report = evaluateHrvWindows(parseWesadFeatures(text), io.config ?? {});
  if (json) {
    io.stdout(`${JSON.stringify(report)}\n`);
    return EXIT_OK;
  }
  const lines = ["per-subject AUC, stress vs baseline windows", "subject  windows  detector  mean HR"];
  for (const [k, s] of Object.entries(report.subjects))
    lines.push(
      `${k.padEnd(8)} ${String(s.windows).padStart(7)} ${s.detector.toFixed(3).padStart(9)} ${s.mean_hr.toFixed(3).padStart(8)}`,
    );
  lines.push(
    `median   ${"".padStart(7)} ${report.median_detector.toFixed(3).padStart(9)} ${report.median_mean_hr.toFixed(3).padStart(8)}`,
  );
  io.stdout(`${lines.join("\n")}\n`);
  return EXIT_OK;
}

/**
 * `calm-hub evaluate`: replays labelled recordings through the detector and reports how it catches the
 * onsets of the stress tasks, beside simpler detectors under the same definitions. Returns the exit code.
 */
export async function evaluateCommand(argv: string[], io: EvaluateIo): Promise<number> {
  let dataset: string | undefined;
  let subjectsSpec: string | undefined;
  let dataDir: string | undefined;
  let outDir: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string | undefined => argv[++i];
    if (a === "--json") json = true;
    else if (a === "--dataset") dataset = value();
    else if (a === "--subjects") subjectsSpec = value();
    else if (a === "--data-dir") dataDir = value();
    else if (a === "--out") outDir = value();
    else if (a === "-h" || a === "--help") {
      io.stdout(`${USAGE}\n`);
      return EXIT_OK;
    } else {
      io.stderr(`unexpected argument ${a}\n${USAGE}\n`);
      return EXIT_USAGE;
    }
  }
  const env = io.env ?? process.env;
  const dir = path.resolve(dataDir ?? env.CALM_DATASETS_DIR ?? "../shared/data");
  if (dataset === "wesad-hrv") return wesad(dir, json, io);
  if (dataset !== "stress-predict") {
    io.stderr(
      `${dataset === undefined ? "missing --dataset" : `unknown dataset ${dataset}`} (supported: stress-predict, wesad-hrv)\n${USAGE}\n`,
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
  let recordings: Recording[];
  try {
    recordings = await loadStressPredict(dir, subjects, io.readFile, io.readLines ?? fileLines);
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
  const kept: { r: Recording; series: Series }[] = [];
  const report = evaluate(
    recordings,
    io.config ?? {},
    (subject, s) => {
      io.stderr(
        `${subject}: ${s.new_onsets}/${s.tasks_total} new switch-ons, ${s.false_episodes_per_rest_h.toFixed(2)} false/h\n`,
      );
    },
    outDir === undefined ? undefined : (r, series) => kept.push({ r, series }),
  );
  const text = `${JSON.stringify(report)}\n`;
  if (outDir !== undefined) {
    const write = io.writeFile ?? writeFs;
    await write(path.join(outDir, "evaluation.json"), text);
    await write(path.join(outDir, "evaluation.svg"), renderPlot(report, kept));
  }
  io.stdout(json ? text : render(report));
  return EXIT_OK;
}
