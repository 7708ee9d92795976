import path from "node:path";
import type { Recording } from "./recording.js";

export type ReadFile = (p: string) => Promise<string>;

const PROCESSED = "Processed_data/Improved_All_Combined_hr_rsp_binary.csv";

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
 * Loads the stress-predict recordings of `subjects` from `dataDir/stress-predict`. Heart rate, respiration,
 * time and labels come from the authors' processed 1 Hz file (its Label column is the ground truth; the raw
 * tags are wrong for some people); skin conductance, skin temperature and beat intervals from the raw E4
 * files, aligned on unix seconds. Missing raw files only leave those signals out.
 */
export async function loadStressPredict(
  dataDir: string,
  subjects: readonly string[],
  readFile: ReadFile,
): Promise<Recording[]> {
  const root = path.join(dataDir, "stress-predict");
  const processed = await readFile(path.join(root, PROCESSED));
  const wanted = new Map(subjects.map((s) => [Number(s.slice(1)), s]));
  const byId = new Map<string, Recording>();
  for (const row of lines(processed).slice(1)) {
    const [pid, hr, resp, t, label] = row.split(",");
    const subject = wanted.get(Number(pid));
    if (!subject) continue;
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
