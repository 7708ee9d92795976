import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { scores, tally } from "../../hub/detect/evaluate/metrics.js";
import { auc } from "../../hub/detect/evaluate/wesad.js";
import { evaluateCommand, parseSubjects } from "../../hub/detect/index.js";
import { DATASETS_DIR, hasDataset } from "./datasets.js";

// Development split only: S21-S35 and holdout/ are never read by a test.
const DEV = "S02-S20";

describe("evaluation metrics", () => {
  // Three tasks of 100 s at 300, 700 and 1100 s in a 1,600 s recording.
  const t = Array.from({ length: 1600 }, (_, i) => i);
  const label = t.map((i) =>
    (i >= 300 && i < 400) || (i >= 700 && i < 800) || (i >= 1100 && i < 1200) ? 1 : 0,
  ) as (0 | 1)[];
  const during = (i: number, ...spans: [number, number][]): boolean =>
    spans.some(([a, b]) => i >= a && i < b);

  it("counts a task only when high switches on in it, and says where a carried-over high came from", () => {
    // Switches on 30 s into task 1 and stays on into task 2 (carried from a task); off, then a false alarm at
    // 1000 s in rest that is still on when task 3 starts (carried from rest).
    const high = t.map((i) => during(i, [330, 760], [1000, 1150]));
    const x = tally(t, label, high);
    expect(x.tasks.map((k) => [k.type, k.outcome, k.delay_s])).toEqual([
      ["stroop", "new", 30],
      ["interview", "carried_task", null],
      ["hyperventilation", "carried_rest", null],
    ]);
    const s = scores(x);
    expect(s).toMatchObject({ new_onsets: 1, carried_from_task: 1, carried_from_rest: 1, missed: 0 });
    expect(s.median_delay_s).toBe(30);
    // Rest 400-700 is high until 760: not released; rest 800-1100 is off at 800-999: released.
    expect([s.rests_released, s.rests_between_tasks]).toEqual([1, 2]);
    expect(x.false_episodes).toBe(1);
    expect(s.by_task.stroop.new_onsets).toBe(1);
    expect(s.by_task.interview.carried_from_task).toBe(1);
  });

  it("counts a switch-on up to 60 s after the task's end, and not later", () => {
    const high = t.map((i) => during(i, [455, 470], [861, 900]));
    const x = tally(t, label, high);
    expect(x.tasks.map((k) => [k.outcome, k.delay_s])).toEqual([
      ["new", 155],
      ["missed", null],
      ["missed", null],
    ]);
    // 861 is 62 s after task 2 ended at 799: too late to count, too soon (< 120 s) to be a false alarm.
    expect(x.false_episodes).toBe(0);
  });

  it("scores a detector that latches on 30 s after the first task badly", () => {
    const latch = t.map((i) => i >= 330);
    const s = scores(tally(t, label, latch));
    expect(s.new_onsets).toBe(1);
    expect(s.new_onset_share).toBeLessThan(0.4);
    expect(s.carried_from_task).toBe(2);
    expect(s.rests_released).toBe(0);
    // Every rest second after the first task (outside the 120 s after each task) is "high".
    expect(s.rest_high_share).toBeGreaterThan(0.5);
    // Today's per-second F1 and false-alarm rate would have called this detector good.
    expect(s.false_episodes_per_rest_h).toBe(0);
    expect(s.recall).toBeGreaterThan(0.85);
  });

  it("computes AUC as the share of stress/baseline pairs ranked right, ties half", () => {
    expect(auc([3, 4, 1, 2], [1, 1, 0, 0])).toBe(1);
    expect(auc([1, 2, 3, 4], [1, 1, 0, 0])).toBe(0);
    expect(auc([2, 1, 2, 0], [1, 1, 0, 0])).toBe(0.625);
  });

  it("parses subject lists", () => {
    expect(parseSubjects("S02-S04,S10")).toEqual(["S02", "S03", "S04", "S10"]);
    expect(() => parseSubjects("everyone")).toThrow();
  });
});

describe.runIf(hasDataset("stress-predict"))("evaluation on the development split", () => {
  it(`catches more task onsets than the long baseline or an HR z-score on ${DEV}, reading only ${DEV}`, async () => {
    let stdout = "";
    let stderr = "";
    const participants = new Set<string>();
    const wholeFiles: string[] = [];
    const out = await mkdtemp(path.join(tmpdir(), "calm-evaluate-"));
    const code = await evaluateCommand(
      ["--dataset", "stress-predict", "--subjects", DEV, "--json", "--data-dir", DATASETS_DIR, "--out", out],
      {
        stdout: (s) => {
          stdout += s;
        },
        stderr: (s) => {
          stderr += s;
        },
        readFile: (p) => {
          wholeFiles.push(path.basename(p));
          return readFile(p, "utf8");
        },
        readLines: async function* (p) {
          let first = true;
          for await (const line of createInterface({ input: createReadStream(p, "utf8") })) {
            if (!first) participants.add(line.slice(0, line.indexOf(",")));
            first = false;
            yield line;
          }
        },
      },
    );
    expect(code).toBe(0);
    // The held-out subjects' rows share the processed file with the development ones: none may be read.
    expect(wholeFiles).not.toContain("Improved_All_Combined_hr_rsp_binary.csv");
    expect([...participants].map(Number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 19 }, (_, i) => i + 2),
    );
    expect(stderr.trim().split("\n")).toHaveLength(19);
    const r = JSON.parse(stdout);
    expect(Object.keys(r.detectors)).toEqual(["detector", "long_baseline", "hr_z", "hr_100"]);
    const mine = r.detectors.detector.overall;
    expect(Object.keys(r.detectors.detector.subjects)).toHaveLength(19);
    expect(mine.tasks_total).toBe(57);
    expect(Object.keys(mine.by_task)).toEqual(["stroop", "interview", "hyperventilation"]);
    expect(mine.new_onset_share).toBeGreaterThanOrEqual(0.4);
    expect(mine.false_episodes_per_rest_h).toBeLessThanOrEqual(1.1);
    expect(mine.new_onsets).toBeGreaterThan(r.detectors.long_baseline.overall.new_onsets);
    expect(mine.new_onsets).toBeGreaterThan(r.detectors.hr_z.overall.new_onsets);
    expect(mine.rests_released).toBeGreaterThan(r.detectors.long_baseline.overall.rests_released);
    expect(JSON.parse(await readFile(path.join(out, "evaluation.json"), "utf8"))).toEqual(r);
    const svg = await readFile(path.join(out, "evaluation.svg"), "utf8");
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain(">S20<");
    await rm(out, { recursive: true });
  }, 180_000); // 19 recordings through four detectors: about 25 s on a quiet machine

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
