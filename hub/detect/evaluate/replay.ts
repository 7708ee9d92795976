import type { DetectorConfigInput } from "../../config/index.js";
import type { Sample } from "../../core/index.js";
import { StressDetector } from "../detector.js";
import type { Recording } from "./recording.js";

/** The fixed rule: "high" whenever heart rate is above 100 bpm, second by second. */
export const FIXED_HR_LIMIT = 100;

/** The samples a wristband bridge would publish for this recording: one per second, all fresh. */
export function* samplesOf(r: Recording, source = "e4"): Generator<Sample> {
  for (let i = 0; i < r.t.length; i++) {
    const at = (r.t[i] ?? 0) * 1000;
    const s: Sample = { person: r.subject, measured_at: at, received_at: at, source, quality: 1 };
    const hr = r.hr[i];
    if (hr !== undefined) s.hr = hr;
    const resp = r.resp[i];
    if (resp !== undefined) s.resp = resp;
    const eda = r.eda[i];
    if (eda !== undefined) s.eda = eda;
    const temp = r.skin_temp[i];
    if (temp !== undefined) s.skin_temp = temp;
    const rr = r.rr[i];
    if (rr !== undefined) s.rr = rr;
    yield s;
  }
}

/** Runs a fresh detector over the recording; true where the level is "high" at that second. */
export function replay(r: Recording, config: DetectorConfigInput = {}): boolean[] {
  const detector = new StressDetector(config);
  const high: boolean[] = [];
  let level = "calm";
  for (const s of samplesOf(r)) {
    const state = detector.update(s);
    if (state) level = state.level;
    high.push(level === "high");
  }
  return high;
}

export function replayFixedHr(r: Recording): boolean[] {
  return r.hr.map((hr) => hr !== undefined && hr > FIXED_HR_LIMIT);
}

/** The simple personal comparison: z of the 30 s mean heart rate against everything seen so far. */
export const HR_Z = { warmup_s: 300, window_s: 30, enter: 2, exit: 1, hold_s: 30 } as const;

/**
 * A per-person heart-rate z-score, online: the mean and standard deviation of all earlier readings of the
 * person (after a 5-minute warm-up); "high" once z >= 2 has held 30 s, until z < 1.
 */
export function replayHrZ(r: Recording): boolean[] {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  const recent: number[] = [];
  let high = false;
  let above = 0;
  return r.hr.map((hr) => {
    if (hr === undefined) return high;
    recent.push(hr);
    if (recent.length > HR_Z.window_s) recent.shift();
    const avg = recent.reduce((a, b) => a + b, 0) / recent.length;
    const sd = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
    if (n >= HR_Z.warmup_s && sd > 0) {
      const z = (avg - mean) / sd;
      above = z >= HR_Z.enter ? above + 1 : 0;
      if (!high && above >= HR_Z.hold_s) high = true;
      else if (high && z < HR_Z.exit) high = false;
    }
    n++;
    const d = hr - mean;
    mean += d / n;
    m2 += d * (hr - mean);
    return high;
  });
}
