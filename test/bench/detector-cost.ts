/**
 * Live cost of one reading in the stress detector: 50 people, a wristband reading each second with heart
 * rate, skin conductance, skin temperature and an occasional beat interval, over two simulated hours with a
 * few rises. Prints microseconds per update with the onset change detector on and off (the long-baseline path
 * alone, as before it existed), interleaved and the best of 5 runs each, so load from other processes on the
 * machine hits both alike; CPU time of this process, not wall time, for the same reason. Run: `npx tsx test/bench/detector-cost.ts`.
 */

import type { DetectorConfigInput } from "../../hub/config/index.js";
import type { Sample } from "../../hub/core/index.js";
import { StressDetector } from "../../hub/detect/index.js";

const PEOPLE = 50;
const SECONDS = 3600;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

function reading(p: number, s: number): Sample {
  const at = T0 + s * 1000;
  // A 5-minute rise every 20 minutes, shifted per person, on top of a slow wobble.
  const rising = (s + p * 97) % 1200 > 900;
  const hr = 70 + (p % 7) + 4 * Math.sin(s / 37 + p) + (rising ? 18 : 0);
  const eda = 1.5 + (p % 5) * 0.3 + 0.05 * Math.sin(s / 53) + (rising ? 0.8 : 0);
  const sample: Sample = {
    person: `p${p}`,
    measured_at: at,
    received_at: at,
    source: "e4",
    quality: 1,
    hr,
    eda,
    skin_temp: 33 - (rising ? 0.3 : 0),
  };
  if (s % 3 === 0) sample.rr = [Math.round(60000 / hr)];
  return sample;
}

const samples: Sample[] = [];
for (let s = 0; s < SECONDS; s++) for (let p = 0; p < PEOPLE; p++) samples.push(reading(p, s));

function run(config: DetectorConfigInput): number {
  const detector = new StressDetector(config);
  let sink = 0;
  const t0 = process.cpuUsage();
  for (const sample of samples) sink += detector.update(sample)?.score ?? 0;
  const us = (process.cpuUsage(t0).user + process.cpuUsage(t0).system) / samples.length;
  if (sink < 0) console.log(sink); // keeps the loop from being optimised away
  return us;
}

const on: number[] = [];
const off: number[] = [];
for (let k = 0; k < 5; k++) {
  on.push(run({}));
  off.push(run({ onset: { enabled: false } }));
}
const fmt = (xs: number[]): string =>
  `${Math.min(...xs).toFixed(2)} us per reading (runs: ${xs.map((r) => r.toFixed(2)).join(", ")})`;
console.log(`${PEOPLE} people x ${SECONDS} s`);
console.log(`onset detector on:  ${fmt(on)}`);
console.log(`onset detector off: ${fmt(off)}`);
