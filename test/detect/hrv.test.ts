import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ArtefactConfigSchema } from "../../hub/config/index.js";
import { hrvMetrics, rejectArtefacts } from "../../hub/detect/index.js";
import { datasetPath, hasDataset } from "./datasets.js";

const ref = hasDataset("hrv-reference");

function numbers(file: string): number[] {
  return readFileSync(datasetPath("hrv-reference", file), "utf8")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .map(Number);
}

/** Polar .hrm: RR values follow the [HRData] line. */
function hrm(file: string): number[] {
  const text = readFileSync(datasetPath("hrv-reference", file), "utf8");
  const after = text.split(/\[HRData\]\r?\n/)[1] ?? "";
  return after
    .split(/\r?\n/)
    .map((l) => Number(l.trim()))
    .filter((v) => Number.isFinite(v) && v > 0);
}

// Alternative conventions, derived from the Task Force values so a test states which one a reference used.
const sdnnPopulation = (sdnn: number, n: number): number => sdnn * Math.sqrt((n - 1) / n);
const pnn50OverN = (pnn50: number, n: number): number => (pnn50 * (n - 1)) / n;

describe("hrvMetrics (Task Force / Kubios convention)", () => {
  it("computes a hand-checked series", () => {
    // diffs 10, 5, -65: one > 50 of 3; mean 793.75
    const m = hrvMetrics([800, 810, 815, 750]);
    expect(m?.n).toBe(4);
    expect(m?.mean_nn_ms).toBeCloseTo(793.75, 10);
    expect(m?.sdnn_ms).toBeCloseTo(Math.sqrt(2668.75 / 3), 10);
    expect(m?.rmssd_ms).toBeCloseTo(Math.sqrt((100 + 25 + 4225) / 3), 10);
    expect(m?.pnn50_pct).toBeCloseTo(100 / 3, 10);
    expect(m?.mean_hr_bpm).toBeCloseTo((75 + 60000 / 810 + 60000 / 815 + 80) / 4, 10);
  });

  it("counts only differences strictly above 50 ms", () => {
    expect(hrvMetrics([800, 850, 800])?.pnn50_pct).toBe(0);
    expect(hrvMetrics([800, 851, 800])?.pnn50_pct).toBe(100);
  });

  it("needs two intervals", () => {
    expect(hrvMetrics([])).toBeUndefined();
    expect(hrvMetrics([900])).toBeUndefined();
  });

  // Its test compares with numpy's assert_almost_equal(decimal=2), i.e. |difference| < 0.015.
  it("matches rhenanbartels/hrv's unit test (its pNN50 is over N)", () => {
    const m = hrvMetrics([800, 810, 815, 750]);
    if (!m) throw new Error("no metrics");
    expect(Math.abs(m.rmssd_ms - 38.07)).toBeLessThan(0.015);
    expect(Math.abs(m.sdnn_ms - 29.82)).toBeLessThan(0.015);
    expect(pnn50OverN(m.pnn50_pct, m.n)).toBeCloseTo(25, 10);
    expect(m.mean_nn_ms).toBeCloseTo(793.75, 10);
    expect(Math.abs(m.mean_hr_bpm - 75.67)).toBeLessThan(0.015);
  });
});

describe.runIf(ref)("HRV against reference implementations", () => {
  it("pyHRV SampleExport.json (short series): same convention, to 0.01 ms", () => {
    const exp = JSON.parse(
      readFileSync(datasetPath("hrv-reference/pyhrv/SampleExport.json"), "utf8"),
    ) as Record<string, number>;
    const m = hrvMetrics(numbers("pyhrv/SampleNNISeriesShort.txt"));
    if (!m) throw new Error("no metrics");
    expect(m.n).toBe(exp.nni_counter);
    expect(Math.abs(m.mean_nn_ms - (exp.nni_mean ?? 0))).toBeLessThan(0.01);
    expect(Math.abs(m.sdnn_ms - (exp.sdnn ?? 0))).toBeLessThan(0.01);
    expect(Math.abs(m.rmssd_ms - (exp.rmssd ?? 0))).toBeLessThan(0.01);
    expect(Math.abs(m.pnn50_pct - (exp.pnn50 ?? 0))).toBeLessThan(0.01);
    expect(Math.abs(m.mean_hr_bpm - (exp.hr_mean ?? 0))).toBeLessThan(0.01);
  });

  it("pyHRV SampleReport.txt (long series): same convention, to the report's 3 decimals", () => {
    const report = readFileSync(datasetPath("hrv-reference/pyhrv/SampleReport.txt"), "utf8");
    const field = (name: string): number => {
      const line = report.split(/\r?\n/).find((l) => l.startsWith(name));
      return Number(line?.split(";")[1]);
    };
    const m = hrvMetrics(numbers("pyhrv/SampleNNISeriesLong.txt"));
    if (!m) throw new Error("no metrics");
    expect(m.n).toBe(field("Number of NNIs"));
    expect(Math.abs(m.mean_nn_ms - field("Mean NNI (ms)"))).toBeLessThan(0.001);
    expect(Math.abs(m.sdnn_ms - field("SDNN (ms)"))).toBeLessThan(0.001);
    expect(Math.abs(m.rmssd_ms - field("RMSSD (ms)"))).toBeLessThan(0.001);
    expect(Math.abs(m.pnn50_pct - field("pNN50 (%)"))).toBeLessThan(0.001);
    expect(Math.abs(m.mean_hr_bpm - field("Mean Heart Rate (bpm)"))).toBeLessThan(0.001);
  });

  it("@avihimsa/heart-rate-variability-analysis: SDNN with n, mean HR as 60000/mean NN", () => {
    const m = hrvMetrics(numbers("heart-rate-variability-analysis-js/intervalArray.txt"));
    if (!m) throw new Error("no metrics");
    expect(m.n).toBe(613);
    expect(Math.abs(m.mean_nn_ms - 936.6721044045677)).toBeLessThan(0.01);
    expect(Math.abs(m.rmssd_ms - 121.22900060726103)).toBeLessThan(0.01);
    expect(Math.abs(m.pnn50_pct - 52.94117647058824)).toBeLessThan(0.01); // over N-1: same as ours
    expect(Math.abs(sdnnPopulation(m.sdnn_ms, m.n) - 195.72192501053422)).toBeLessThan(0.01);
    expect(Math.abs(60_000 / m.mean_nn_ms - 64.05656762687659)).toBeLessThan(0.01);
  });

  it("rhenanbartels/hrv rest and real series: clean rest data loses (almost) nothing to the artefact rule", () => {
    const rest = numbers("rhenanbartels-hrv/rest_rri.txt");
    const real = numbers("rhenanbartels-hrv/real_rri.txt");
    expect(rest).toHaveLength(910);
    // The file ends with a 0 line, a terminator: the analysed series is the first 771 values.
    expect(real.at(-1)).toBe(0);
    const real771 = real.slice(0, 771);
    const cfg = ArtefactConfigSchema.parse({});
    expect(rejectArtefacts(rest, cfg).dropped.length).toBeLessThanOrEqual(5);
    expect(rejectArtefacts(real771, cfg).dropped.length).toBeLessThan(real771.length * 0.02);
    const m = hrvMetrics(rest);
    if (!m) throw new Error("no metrics");
    expect(m.n).toBe(910);
    expect(m.mean_nn_ms).toBeCloseTo(1058.7186813186813, 8);
    expect(m.sdnn_ms).toBeCloseTo(57.8181777197001, 8);
    expect(m.rmssd_ms).toBeCloseTo(55.13744203126742, 8);
    expect(m.pnn50_pct).toBeCloseTo((100 * 321) / 909, 8);
    expect(m.mean_hr_bpm).toBeCloseTo(56.85278105637356, 8);
  });
});

describe("artefact rule", () => {
  const cfg = ArtefactConfigSchema.parse({});

  it("drops values outside physiologic bounds", () => {
    const r = rejectArtefacts([800, 250, 810, 2500, 805, Number.NaN, 800], cfg);
    expect(r.dropped).toEqual([1, 3, 5]);
    expect(r.nn).toEqual([800, 810, 805, 800]);
  });

  it("drops a missed beat and an ectopic pair, more than 20 % off the local median", () => {
    const base = [800, 810, 790, 805, 795, 800, 810, 790, 800, 805];
    const missed = [...base.slice(0, 5), 1600, ...base.slice(5)];
    expect(rejectArtefacts(missed, cfg).dropped).toEqual([5]);
    const ectopic = [...base.slice(0, 5), 560, 1040, ...base.slice(5)];
    expect(rejectArtefacts(ectopic, cfg).dropped).toEqual([5, 6]);
  });

  it("keeps a change within 20 % and a slow trend", () => {
    const trend = Array.from({ length: 60 }, (_, i) => 1000 - i * 5);
    expect(rejectArtefacts(trend, cfg).dropped).toEqual([]);
    expect(rejectArtefacts([800, 800, 800, 950, 800, 800, 800], cfg).dropped).toEqual([]);
  });

  it.runIf(ref)("finds the artefacts in the noisy Polar recording but not in the clean one", () => {
    const noisy = hrm("rhenanbartels-hrv/noisy_rri.hrm");
    const exercise = hrm("rhenanbartels-hrv/exercise_rri.hrm");
    const noisyShare = rejectArtefacts(noisy, cfg).dropped.length / noisy.length;
    const exerciseShare = rejectArtefacts(exercise, cfg).dropped.length / exercise.length;
    expect(noisyShare).toBeGreaterThan(exerciseShare);
    expect(noisyShare).toBeGreaterThan(0.005);
    expect(exerciseShare).toBeLessThan(0.02);
  });
});
