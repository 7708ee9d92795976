import type { DetectorConfigInput } from "../../config/index.js";
import { StressDetector } from "../detector.js";
import { median } from "./metrics.js";

/** One 60-s chest-ECG window of the WESAD feature table (holdout/, evaluation only). */
export interface HrvWindow {
  subject: string;
  mean_hr: number;
  rmssd: number;
  /** 1 = stress (TSST), 0 = baseline. */
  label: 0 | 1;
}

export interface AucReport {
  /** Per subject: AUC of the detector's score, and of mean heart rate alone, over that subject's windows. */
  subjects: Record<string, { windows: number; detector: number; mean_hr: number }>;
  median_detector: number;
  median_mean_hr: number;
}

/** The feature table's header names the columns; rows stay in time order per subject (SOURCE.txt). */
export function parseWesadFeatures(text: string): HrvWindow[] {
  const rows = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const head = (rows[0] ?? "").split(",");
  const col = (name: string): number => {
    const i = head.indexOf(name);
    if (i < 0) throw new Error(`column ${name} missing`);
    return i;
  };
  const [hr, rmssd, label, subject] = [col("hrv_mean_hr"), col("hrv_rmssd"), col("label"), col("subject")];
  return rows.slice(1).map((r) => {
    const f = r.split(",");
    return {
      subject: f[subject] ?? "",
      mean_hr: Number(f[hr]),
      rmssd: Number(f[rmssd]),
      label: Number(f[label]) === 1 ? 1 : 0,
    };
  });
}

/** Area under the ROC curve: the chance that a stress window scores above a baseline one (ties half). */
export function auc(scores: readonly number[], labels: readonly (0 | 1)[]): number {
  let pairs = 0;
  let wins = 0;
  scores.forEach((p, i) => {
    if (labels[i] !== 1) return;
    scores.forEach((n, j) => {
      if (labels[j] !== 0) return;
      pairs++;
      wins += p > n ? 1 : p === n ? 0.5 : 0;
    });
  });
  return pairs === 0 ? Number.NaN : wins / pairs;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Feeds each subject's windows, in time order, to a fresh detector as a chest strap would: one reading a
 * second for the window's 60 s with its mean heart rate and RMSSD (no skin conductance, so the long-baseline
 * heart-rate/HRV path decides). The window's score is the detector's mean score over it.
 */
export function evaluateHrvWindows(
  windows: readonly HrvWindow[],
  config: DetectorConfigInput = {},
): AucReport {
  const bySubject = new Map<string, HrvWindow[]>();
  for (const w of windows) bySubject.set(w.subject, [...(bySubject.get(w.subject) ?? []), w]);
  const subjects: AucReport["subjects"] = {};
  const t0 = Date.UTC(2026, 0, 5, 9, 0, 0);
  for (const [subject, list] of bySubject) {
    const d = new StressDetector(config);
    const score: number[] = [];
    list.forEach((w, k) => {
      let sum = 0;
      let n = 0;
      for (let s = 0; s < 60; s++) {
        const at = t0 + (k * 60 + s) * 1000;
        const st = d.update({
          person: subject,
          measured_at: at,
          received_at: at,
          source: "chest",
          quality: 1,
          hr: w.mean_hr,
          rmssd: w.rmssd,
        });
        if (st) {
          sum += st.score;
          n++;
        }
      }
      score.push(n === 0 ? 0 : sum / n);
    });
    const labels = list.map((w) => w.label);
    subjects[subject] = {
      windows: list.length,
      detector: r3(auc(score, labels)),
      mean_hr: r3(
        auc(
          list.map((w) => w.mean_hr),
          labels,
        ),
      ),
    };
  }
  const all = Object.values(subjects);
  return {
    subjects,
    median_detector: median(all.map((s) => s.detector)) ?? Number.NaN,
    median_mean_hr: median(all.map((s) => s.mean_hr)) ?? Number.NaN,
  };
}
