import { ArtefactConfigSchema } from "../config/index.js";
import { rejectArtefacts } from "./artefacts.js";
import { type CommandIo, EXIT_INPUT, EXIT_OK, EXIT_USAGE } from "./command-io.js";
import { type HrvMetrics, hrvMetrics } from "./hrv.js";

const USAGE = "usage: calm-hub hrv FILE [--json] [--no-filter]\n  FILE: RR intervals in ms, one per line";

export interface ParsedRr {
  rr: number[];
  /** Lines that were not blank or comments but gave no usable interval (not a number, zero, negative). */
  ignored: number;
}

/** One RR (ms) per line; blank lines and lines starting with # are skipped, 0 and junk are counted. */
export function parseRrText(text: string): ParsedRr {
  const rr: number[] = [];
  let ignored = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const v = Number(line);
    if (Number.isFinite(v) && v > 0) rr.push(v);
    else ignored++;
  }
  return { rr, ignored };
}

function fmt(v: number, digits: number): string {
  return v.toFixed(digits);
}

function table(m: HrvMetrics): string {
  const rows: [string, string, string][] = [
    ["NN intervals", String(m.n), ""],
    ["mean NN", fmt(m.mean_nn_ms, 1), "ms"],
    ["SDNN", fmt(m.sdnn_ms, 2), "ms"],
    ["RMSSD", fmt(m.rmssd_ms, 2), "ms"],
    ["pNN50", fmt(m.pnn50_pct, 2), "%"],
    ["mean HR", fmt(m.mean_hr_bpm, 1), "bpm"],
  ];
  return `${rows.map(([k, v, u]) => `${k.padEnd(14)}${v.padStart(10)} ${u}`.trimEnd()).join("\n")}\n`;
}

/** `calm-hub hrv FILE [--json] [--no-filter]`: time-domain HRV of an RR file. Returns the exit code. */
export async function hrvCommand(argv: string[], io: CommandIo): Promise<number> {
  let json = false;
  let filter = true;
  const files: string[] = [];
  for (const a of argv) {
    if (a === "--json") json = true;
    else if (a === "--no-filter") filter = false;
    else if (a === "-h" || a === "--help") {
      io.stdout(`${USAGE}\n`);
      return EXIT_OK;
    } else if (a.startsWith("-")) {
      io.stderr(`unknown option ${a}\n${USAGE}\n`);
      return EXIT_USAGE;
    } else files.push(a);
  }
  const file = files[0];
  if (file === undefined || files.length > 1) {
    io.stderr(`${files.length > 1 ? "one FILE only" : "missing FILE"}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    io.stderr(
      code === "ENOENT" ? `cannot read ${file}: no such file\n` : `cannot read ${file}: ${String(err)}\n`,
    );
    return EXIT_INPUT;
  }
  const { rr, ignored } = parseRrText(text);
  if (rr.length === 0) {
    io.stderr(`no RR intervals in ${file} (expected one number in ms per line)\n`);
    return EXIT_INPUT;
  }
  if (ignored > 0)
    io.stderr(`ignored ${ignored} line${ignored === 1 ? "" : "s"} that were zero or not a number\n`);
  const nn = filter ? rejectArtefacts(rr, ArtefactConfigSchema.parse({})).nn : rr;
  if (filter && nn.length < rr.length) {
    io.stderr(
      `dropped ${rr.length - nn.length} of ${rr.length} intervals as artefacts (use --no-filter to keep them)\n`,
    );
  }
  const m = hrvMetrics(nn);
  if (!m) {
    io.stderr(`need at least 2 clean intervals, found ${nn.length}\n`);
    return EXIT_INPUT;
  }
  if (json) {
    const out = {
      n: m.n,
      mean_nn_ms: m.mean_nn_ms,
      sdnn_ms: m.sdnn_ms,
      rmssd_ms: m.rmssd_ms,
      pnn50_pct: m.pnn50_pct,
      mean_hr_bpm: m.mean_hr_bpm,
    };
    io.stdout(`${JSON.stringify(out)}\n`);
  } else io.stdout(table(m));
  return EXIT_OK;
}
