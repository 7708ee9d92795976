import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { tally } from "../../hub/detect/evaluate/metrics.js";
import { evaluateCommand, parseSubjects } from "../../hub/detect/index.js";
import { DATASETS_DIR, hasDataset } from "./datasets.js";

// Development split only: S21-S35 and holdout/ are never read by a test.
const DEV = "S02-S20";

describe("evaluation metrics", () => {
  it("counts detected tasks, delays, false onsets in rest and per-second scores", () => {
    const t = Array.from({ length: 1000 }, (_, i) => i);
    const label = t.map((i) => ((i >= 200 && i < 300) || (i >= 600 && i < 650) ? 1 : 0)) as (0 | 1)[];
    // high 230-330 (detects task 1 after 30 s), a false onset at 500-520, one onset at 380 (80 s after a
    // task: not false), and nothing for task 2.
    const high = t.map((i) => (i >= 230 && i < 330) || (i >= 380 && i < 390) || (i >= 500 && i < 520));
    const x = tally(t, label, high);
    expect(x.tasks_total).toBe(2);
    expect(x.tasks_detected).toBe(1);
    expect(x.delays_s).toEqual([30]);
    expect(x.false_episodes).toBe(1);
    expect(x.tp).toBe(70);
    expect(x.fp).toBe(30 + 10 + 20);
    expect(x.fn).toBe(30 + 50);
    expect(x.rest_s).toBe(1000 - 150 - 240);
  });

  it("parses subject lists", () => {
    expect(parseSubjects("S02-S04,S10")).toEqual(["S02", "S03", "S04", "S10"]);
    expect(() => parseSubjects("everyone")).toThrow();
  });
});

describe.runIf(hasDataset("stress-predict"))("evaluation on the development split", () => {
  it(`beats the HR > 100 rule on ${DEV}`, async () => {
    let stdout = "";
    let stderr = "";
    const code = await evaluateCommand(
      ["--dataset", "stress-predict", "--subjects", DEV, "--json", "--data-dir", DATASETS_DIR],
      {
        stdout: (s) => {
          stdout += s;
        },
        stderr: (s) => {
          stderr += s;
        },
        readFile: (p) => readFile(p, "utf8"),
      },
    );
    expect(code).toBe(0);
    expect(stderr.trim().split("\n")).toHaveLength(19);
    const r = JSON.parse(stdout);
    expect(Object.keys(r)).toEqual(["overall", "subjects", "baseline"]);
    expect(Object.keys(r.subjects)).toHaveLength(19);
    for (const k of [
      "tasks_detected",
      "tasks_total",
      "median_delay_s",
      "false_episodes_per_rest_h",
      "precision",
      "recall",
      "f1",
    ]) {
      expect(r.overall).toHaveProperty(k);
      expect(r.baseline.overall).toHaveProperty(k);
    }
    expect(r.overall.tasks_total).toBe(57);
    expect(r.overall.tasks_detected).toBeGreaterThan(r.baseline.overall.tasks_detected);
    expect(r.overall.false_episodes_per_rest_h).toBeLessThan(r.baseline.overall.false_episodes_per_rest_h);
    expect(r.overall.f1).toBeGreaterThan(r.baseline.overall.f1);
  });

  it("refuses a bad command line", async () => {
    const sink = { stdout: () => {}, stderr: () => {}, readFile: (p: string) => readFile(p, "utf8") };
    expect(await evaluateCommand(["--dataset", "wesad", "--subjects", "S02"], sink)).toBe(2);
    expect(await evaluateCommand(["--dataset", "stress-predict"], sink)).toBe(2);
    expect(
      await evaluateCommand(
        ["--dataset", "stress-predict", "--subjects", "S02", "--data-dir", "/nonexistent"],
        sink,
      ),
    ).toBe(1);
  });
});
