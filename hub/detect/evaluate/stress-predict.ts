import path from "node:path";
import type { Recording } from "./recording.js";

export type ReadFile = (p: string) => Promise<string>;
/** Reads a text file line by line; the loader stops early, so lines it does not need are never read. */
export type ReadLines = (p: string) => AsyncIterable<string>;

const PROCESSED = "Processed_data/Improved_All_Combined_hr_rsp_binary.csv";
/** Run lengths of the processed file's Label column per participant, in the file's order (SOURCE.txt). */
const SEGMENTS = "label_segments.csv";

/** "S21-S35", "S02,S05", "S02-S04,S10" -> ["S21", ...]. Throws on anything else. */
export function parseSubjects(spec: string): string[] {
  const out: string[] = [];
  for (const part of spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^S(\d{1,2})(?:-S?(\d{1,2}))?$/i.exec(part);
    if (!m) throw new Error(`bad subject list "${spec}": use e.g. S21-S35 or S02,S05`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from > to) throw new Error(`bad subject range "${part}"`);
    for (let i = from; i <= to; i++) out.push(`S${String(i).padStart(2, "0")}`);
  }
  return [...new Set(out)];
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== "");
}

/** E4 1-row-header signal file: start (unix s), rate (Hz), values -> per-second means keyed by unix second. */
function perSecond(text: string): Map<number, number> {
  const rows = lines(text);
  const start = Number(rows[0]?.split(",")[0]);
  const rate = Number(rows[1]?.split(",")[0]);
  const sums = new Map<number, [number, number]>();
  if (!Number.isFinite(start) || !(rate > 0)) return new Map();
  for (let i = 2; i < rows.length; i++) {
    const v = Number(rows[i]?.split(",")[0]);
    if (!Number.isFinite(v)) continue;
    const sec = Math.floor(start + (i - 2) / rate);
    const acc = sums.get(sec) ?? [0, 0];
    acc[0] += v;
    acc[1] += 1;
    sums.set(sec, acc);
  }
  return new Map([...sums].map(([k, [s, n]]) => [k, s / n]));
}

/** IBI.csv: "<start>, IBI" then "t_s,ibi_s" -> RR (ms) grouped by the unix second the beat ended in. */
function beatsPerSecond(text: string): Map<number, number[]> {
  const rows = lines(text);
  const start = Number(rows[0]?.split(",")[0]);
  const out = new Map<number, number[]>();
  if (!Number.isFinite(start)) return out;
  for (let i = 1; i < rows.length; i++) {
    const [t, ibi] = (rows[i] ?? "").split(",").map(Number);
    if (t === undefined || ibi === undefined || !Number.isFinite(t) || !Number.isFinite(ibi)) continue;
    const sec = Math.floor(start + t);
    const list = out.get(sec) ?? [];
    list.push(Math.round(ibi * 1000 * 1000) / 1000);
    out.set(sec, list);
  }
  return out;
}

/**
 * Where each participant's rows lie in the processed file (1-based line numbers, header = line 1), from
 * label_segments.csv; undefined when that file is absent or disagrees with itself.
 */
async function rowRanges(
  root: string,
  readFile: ReadFile,
): Promise<Map<number, [number, number]> | undefined> {
  const text = await readFile(path.join(root, SEGMENTS)).catch(() => undefined);
  if (text === undefined) return undefined;
  const out = new Map<number, [number, number]>();
  let line = 2;
  let last: number | undefined;
  for (const row of lines(text).slice(1)) {
    const [subject, , , , n] = row.split(",");
    const id = Number(subject?.slice(1));
    const rows = Number(n);
    if (!Number.isInteger(id) || !Number.isInteger(rows) || rows < 0) return undefined;
    if (id !== last && out.has(id)) return undefined;
    const range = out.get(id) ?? [line, line - 1];
    range[1] += rows;
    out.set(id, range);
    line += rows;
    last = id;
  }
  return out;
}

/**
 * Loads the stress-predict recordings of `subjects` from `dataDir/stress-predict`. Heart rate, respiration,
 * time and labels come from the authors' processed 1 Hz file (its Label column is the ground truth; the raw
 * tags are wrong for some people); skin conductance, skin temperature and beat intervals from the raw E4
 * files, aligned on unix seconds. Missing raw files only leave those signals out.
 *
 * The processed file holds every participant; it is read line by line and only up to the last wanted
 * participant's last row, so a development run never reads a held-out subject's data (the split in
 * shared/data/README.md). Lines of other participants before that are skipped unparsed.
 */
export async function loadStressPredict(
  dataDir: string,
  subjects: readonly string[],
  readFile: ReadFile,
  readLines: ReadLines,
): Promise<Recording[]> {
  const root = path.join(dataDir, "stress-predict");
  const wanted = new Map(subjects.map((s) => [Number(s.slice(1)), s]));
  const ranges = await rowRanges(root, readFile);
  const lastLine = ranges
    ? Math.max(1, ...[...wanted.keys()].map((id) => ranges.get(id)?.[1] ?? 1))
    : Number.POSITIVE_INFINITY;
  const highest = Math.max(...wanted.keys());
  const byId = new Map<string, Recording>();
  let lineNo = 0;
  for await (const row of readLines(path.join(root, PROCESSED))) {
    lineNo++;
    if (lineNo === 1 || row.trim() === "") continue;
    const comma = row.indexOf(",");
    const pid = Number(row.slice(0, comma));
    // Without the segment table: the file is in participant order, so the first row past the highest
    // wanted participant ends the read.
    if (pid > highest) break;
    const subject = wanted.get(pid);
    if (subject) {
      const [, hr, resp, t, label] = row.split(",");
      let r = byId.get(subject);
      if (!r) {
        r = { subject, t: [], hr: [], resp: [], eda: [], skin_temp: [], rr: [], label: [] };
        byId.set(subject, r);
      }
      const num = (s: string | undefined): number | undefined => {
        const v = Number(s);
        return s !== undefined && s.trim() !== "" && Number.isFinite(v) ? v : undefined;
      };
      r.t.push(Number(t));
      r.hr.push(num(hr));
      r.resp.push(num(resp));
      r.label.push(Number(label) === 1 ? 1 : 0);
    }
    if (lineNo >= lastLine) break;
  }
  if (lineNo === 0) throw new Error(`${PROCESSED} is empty or missing`);
  const out: Recording[] = [];
  for (const subject of subjects) {
    const r = byId.get(subject);
    if (!r) continue;
    const raw = path.join(root, "Raw_data", subject);
    const optional = async (file: string): Promise<string> => readFile(path.join(raw, file)).catch(() => "");
    const [eda, temp, ibi] = await Promise.all([
      optional("EDA.csv"),
      optional("TEMP.csv"),
      optional("IBI.csv"),
    ]);
    const edaS = perSecond(eda);
    const tempS = perSecond(temp);
    const beats = beatsPerSecond(ibi);
    for (const t of r.t) {
      r.eda.push(edaS.get(t));
      r.skin_temp.push(tempS.get(t));
      r.rr.push(beats.get(t));
    }
    out.push(r);
  }
  return out;
}
