/**
 * `--runs N`: one summary row per scenario × SUT, each figure the median of its repeats (issue 15 asks for
 * medians of three). The call check is not averaged: a summary is exactly-once only if every repeat was, and
 * it shows the first repeat that was not.
 */
import type { RunResult } from "./harness.js";

export interface RunSummary extends RunResult {
  /** Repeats that ran, and how many of them failed (a failed repeat's figures are left out). */
  runs: number;
  failed: number;
}

export function median(values: readonly (number | null | undefined)[]): number | null {
  const xs = values
    .filter((v): v is number => typeof v === "number" && Number.isFinite(v))
    .sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  return xs.length % 2 ? (xs[mid] ?? null) : ((xs[mid - 1] ?? 0) + (xs[mid] ?? 0)) / 2;
}

function summarizeGroup(group: readonly RunResult[]): RunSummary {
  const first = group[0];
  if (!first) throw new Error("summarizeGroup needs at least one run");
  const ok = group.filter((r) => !r.error);
  if (ok.length === 0) return { ...first, runs: group.length, failed: group.length };
  const m = (pick: (r: RunResult) => number | null | undefined): number | null => median(ok.map(pick));
  const n = (pick: (r: RunResult) => number): number => m(pick) ?? 0;
  const dropped = ok.map((r) => r.broker?.droppedDelta).filter((d): d is number => typeof d === "number");
  const worst = ok.find((r) => !r.calls.exactlyOnce) ?? ok[0] ?? first;
  const summary: RunSummary = {
    ...(ok[0] ?? first),
    published: n((r) => r.published),
    publishedRate: n((r) => r.publishedRate),
    processed: n((r) => r.processed),
    deliveredRate: n((r) => r.deliveredRate),
    drainS: n((r) => r.drainS),
    latencyMs: {
      p50: m((r) => r.latencyMs.p50),
      p99: m((r) => r.latencyMs.p99),
      max: m((r) => r.latencyMs.max),
      n: n((r) => r.latencyMs.n),
    },
    stages: {
      receiptP50: m((r) => r.stages.receiptP50),
      receiptP99: m((r) => r.stages.receiptP99),
      decisionP50: m((r) => r.stages.decisionP50),
      decisionP99: m((r) => r.stages.decisionP99),
    },
    cpuS: n((r) => r.cpuS),
    cpuUsPerReading: m((r) => r.cpuUsPerReading),
    peakRssMb: n((r) => r.peakRssMb),
    endHeapMb: n((r) => r.endHeapMb),
    calls: worst.calls,
    crossings: worst.crossings,
    publisherCpuS: n((r) => r.publisherCpuS),
    runs: group.length,
    failed: group.length - ok.length,
  };
  if (summary.broker)
    summary.broker = { ...summary.broker, droppedDelta: dropped.length ? Math.max(...dropped) : null };
  delete summary.error;
  return summary;
}

/** Groups runs by scenario × SUT, in the order they first ran. */
export function summarizeRuns(runs: readonly RunResult[]): RunSummary[] {
  const groups = new Map<string, RunResult[]>();
  for (const r of runs) {
    const key = `${r.scenario}\u0000${r.sut}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map(summarizeGroup);
}
