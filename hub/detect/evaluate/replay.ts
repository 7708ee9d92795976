import type { DetectorConfigInput } from "../../config/index.js";
import type { Sample } from "../../core/index.js";
import { StressDetector } from "../detector.js";
import type { Recording } from "./recording.js";

/** The comparison detector: "high" whenever heart rate is above 100 bpm, second by second. */
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
