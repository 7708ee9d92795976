/** Turns a BenchReport into the stdout table, bench.md and bench.json. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchReport } from "./harness.js";
import { type RunSummary, summarizeRuns } from "./medians.js";
import type { SutKind } from "./types.js";

/** What each SUT is called in the ratio rows. */
const SUT_NAMES: Record<SutKind, string> = {
  hub: "hub",
  floor: "raw floor",
  nodered: "Node-RED (core nodes)",
  "nodered-ha": "Node-RED + HA nodes",
};

const fmt = (n: number | null | undefined, digits = 0): string =>
  n === null || n === undefined || !Number.isFinite(n) ? "–" : n.toFixed(digits);

const ratio = (a: number | null | undefined, b: number | null | undefined, digits = 2): string =>
  a === null || a === undefined || b === null || b === undefined || b === 0
    ? "–"
    : `${(a / b).toFixed(digits)}×`;

function callsCell(r: RunSummary): string {
  if (r.error) return "error";
  if (r.failed) return `${r.failed}/${r.runs} runs failed`;
  const c = r.calls;
  if (c.exactlyOnce) return `✓ ${c.received}/${c.expected}`;
  const parts = [`${c.received}/${c.expected}`];
  if (c.missing) parts.push(`${c.missing} missing`);
  if (c.duplicates) parts.push(`${c.duplicates} dup`);
  if (c.errors) parts.push(`${c.errors} err`);
  return `✗ ${parts.join(", ")}`;
}

const HEADER = [
  "scenario",
  "SUT",
  "runs",
  "people",
  "offered/s",
  "published/s",
  "delivered/s",
  "p50 ms",
  "p99 ms",
  "CPU s",
  "CPU µs/reading",
  "peak RSS MB",
  "calls exactly once",
  "broker dropped",
];

function row(r: RunSummary): string[] {
  return [
    r.scenario,
    r.sut,
    String(r.runs),
    String(r.people),
    String(r.offeredRate),
    fmt(r.publishedRate),
    fmt(r.deliveredRate),
    fmt(r.latencyMs.p50, 1),
    fmt(r.latencyMs.p99, 1),
    fmt(r.cpuS, 2),
    fmt(r.cpuUsPerReading, 1),
    fmt(r.peakRssMb),
    callsCell(r),
    r.broker ? fmt(r.broker.droppedDelta) : "n/a",
  ];
}

interface RatioRow {
  scenario: string;
  versus: string;
  delivered: string;
  p50: string;
  p99: string;
  cpuPerReading: string;
  peakRss: string;
}

/** The summary rows (medians); a report written before `--runs` existed has none, so they are made here. */
function summary(report: BenchReport): RunSummary[] {
  return report.summary?.length ? report.summary : summarizeRuns(report.runs);
}

function ratios(report: BenchReport): RatioRow[] {
  const out: RatioRow[] = [];
  const rows = summary(report);
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  for (const s of scenarios) {
    const hub = rows.find((r) => r.scenario === s && r.sut === "hub" && !r.error);
    if (!hub) continue;
    for (const other of ["floor", "nodered", "nodered-ha"] as const) {
      const o = rows.find((r) => r.scenario === s && r.sut === other && !r.error);
      if (!o) continue;
      out.push({
        scenario: s,
        versus: `hub / ${SUT_NAMES[other]}`,
        delivered: ratio(hub.deliveredRate, o.deliveredRate),
        p50: ratio(hub.latencyMs.p50, o.latencyMs.p50, 1),
        p99: ratio(hub.latencyMs.p99, o.latencyMs.p99, 1),
        cpuPerReading: ratio(hub.cpuUsPerReading, o.cpuUsPerReading, 1),
        peakRss: ratio(hub.peakRssMb, o.peakRssMb, 1),
      });
    }
  }
  return out;
}

function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

function mdTable(header: string[], rows: string[][]): string {
  const esc = (s: string) => s.replaceAll("|", "\\|");
  return [
    `| ${header.map(esc).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

const RATIO_HEADER = ["scenario", "ratio", "delivered/s", "p50", "p99", "CPU/reading", "peak RSS"];
const ratioRow = (r: RatioRow): string[] => [
  r.scenario,
  r.versus,
  r.delivered,
  r.p50,
  r.p99,
  r.cpuPerReading,
  r.peakRss,
];

/**
 * Issue 15's figures side by side, one row per scenario: CPU per reading of each SUT and the hub's ratio to
 * Node-RED + HA nodes and to the floor, p99 publish → Home Assistant call of each SUT, peak RSS of each SUT
 * and the hub's ratio to the floor.
 */
function comparison(report: BenchReport): { header: string[]; rows: string[][] } {
  const rows = summary(report);
  const suts = (["hub", "floor", "nodered", "nodered-ha"] as const).filter((k) =>
    rows.some((r) => r.sut === k),
  );
  const header = [
    "scenario",
    ...suts.map((k) => `CPU µs/reading ${k}`),
    "CPU hub/nodered-ha",
    "CPU hub/floor",
    ...suts.map((k) => `p99 ms ${k}`),
    ...suts.map((k) => `peak RSS MB ${k}`),
    "RSS hub/floor",
  ];
  const out: string[][] = [];
  for (const s of [...new Set(rows.map((r) => r.scenario))]) {
    const get = (k: SutKind) => rows.find((r) => r.scenario === s && r.sut === k && !r.error);
    const hub = get("hub");
    out.push([
      s,
      ...suts.map((k) => fmt(get(k)?.cpuUsPerReading, 1)),
      ratio(hub?.cpuUsPerReading, get("nodered-ha")?.cpuUsPerReading),
      ratio(hub?.cpuUsPerReading, get("floor")?.cpuUsPerReading),
      ...suts.map((k) => fmt(get(k)?.latencyMs.p99, 1)),
      ...suts.map((k) => fmt(get(k)?.peakRssMb)),
      ratio(hub?.peakRssMb, get("floor")?.peakRssMb),
    ]);
  }
  return { header, rows: out };
}

const COLD_HEADER = [
  "cold start",
  "spawns",
  "fork → ready ms",
  "fork → first action ms",
  "each spawn ms",
  "hub / SUT",
];

function coldRows(report: BenchReport): string[][] {
  const cs = report.coldStart ?? [];
  const hub = cs.find((c) => c.sut === "hub")?.medianFirstActionMs;
  return cs.map((c) => [
    c.sut,
    c.errors.length
      ? `${c.firstActionMs.length} (${c.errors.length} failed)`
      : String(c.firstActionMs.length),
    fmt(c.medianReadyMs),
    fmt(c.medianFirstActionMs),
    c.firstActionMs.map((ms) => ms.toFixed(0)).join(", ") || "–",
    c.sut === "hub" ? "–" : ratio(hub, c.medianFirstActionMs),
  ]);
}

function soakLines(report: BenchReport): string[] {
  const s = report.soak;
  if (!s) return [];
  const line = (name: string, x: typeof s | NonNullable<typeof s.withIngest>) =>
    `${name}: ${x.readings.toLocaleString("en")} readings, ${x.people} people, ${fmt(x.simulatedHours, 0)} simulated h in ${fmt(x.wallS, 1)} s; heapUsed ${fmt(x.startHeapMb, 1)} → ${fmt(x.endHeapMb, 1)} MB, RSS ${fmt(x.startRssMb, 0)} → ${fmt(x.endRssMb, 0)} MB (start = after the first tenth)`;
  const out = [line("core (StressDetector + evaluateRules)", s)];
  if (s.withIngest) out.push(line("Ingest + core", s.withIngest));
  return out;
}

function errorLines(report: BenchReport): string[] {
  const runs = report.runs
    .filter((r) => r.error)
    .map((r) => `${r.scenario} ${r.sut}${report.options.runs > 1 ? ` run ${r.repeat + 1}` : ""}: ${r.error}`);
  const cold = (report.coldStart ?? []).flatMap((c) => c.errors.map((e) => `cold start ${c.sut}: ${e}`));
  return [...runs, ...cold];
}

export function renderText(report: BenchReport): string {
  const parts = [textTable(HEADER, summary(report).map(row))];
  const rs = ratios(report);
  if (rs.length) parts.push("", textTable(RATIO_HEADER, rs.map(ratioRow)));
  const cmp = comparison(report);
  if (cmp.rows.length) parts.push("", textTable(cmp.header, cmp.rows));
  const cold = coldRows(report);
  if (cold.length) parts.push("", textTable(COLD_HEADER, cold));
  const soak = soakLines(report);
  if (soak.length) parts.push("", ...soak);
  const errs = errorLines(report);
  if (errs.length) parts.push("", "Errors:", ...errs);
  return parts.join("\n");
}

export function renderMarkdown(report: BenchReport): string {
  const o = report.options;
  const parts = [
    "### Benchmark",
    "",
    `\`npm run bench${o.full ? " -- --full" : ""}${o.quick ? " -- --quick" : ""}${(o.runs ?? 1) > 1 ? ` -- --runs ${o.runs}` : ""}\` on ${report.host.cpus} cores, Node ${report.host.node}, broker: ${o.broker} (${o.brokerUrl}); ` +
      `${report.startedAt.slice(0, 16).replace("T", " ")} UTC. Every ${o.crossEvery}th reading of a person crosses the stress threshold; ` +
      `the rule has a per-person cooldown of ${o.cooldownS ?? 0} s, and each crossing it lets through must produce exactly one ` +
      "`scene.turn_on` in the Home Assistant simulator. Latency is publish → simulator receipt. " +
      `Figures are the median of ${(o.runs ?? 1) > 1 ? `${o.runs} runs` : "one run"} per scenario and SUT. ` +
      "The raw floor is a bare mqtt.js subscriber (same QoS 1 persistent session, MQTT 5 with the same receive " +
      "maximum where the broker speaks it) that parses the JSON and calls HA through home-assistant-js-websocket; " +
      "Node-RED (core nodes) runs the equivalent flow (mqtt in → function → function with a home-assistant-js-websocket " +
      "connection); Node-RED + HA nodes runs mqtt in → function → the node-red-contrib-home-assistant-websocket " +
      "action node with its server config node; both embedded, with Node-RED's MQTT defaults. Every process runs built " +
      "JavaScript on plain `node`; the hub with the flags of the `calm-hub` command. CPU and peak RSS are the SUT " +
      "process's own. Cold start is fork → the first `scene.turn_on`, with a crossing reading arriving every 10 ms.",
    "",
    mdTable(HEADER, summary(report).map(row)),
  ];
  const rs = ratios(report);
  if (rs.length) parts.push("", mdTable(RATIO_HEADER, rs.map(ratioRow)));
  const cmp = comparison(report);
  if (cmp.rows.length) parts.push("", mdTable(cmp.header, cmp.rows));
  const cold = coldRows(report);
  if (cold.length) parts.push("", mdTable(COLD_HEADER, cold));
  const soak = soakLines(report);
  if (soak.length) parts.push("", ...soak.map((l) => `- ${l}`));
  const errs = errorLines(report);
  if (errs.length) parts.push("", "Errors:", ...errs.map((e) => `- ${e}`));
  parts.push(
    "",
    `Load average at start/end: ${report.host.loadavgStart.map((n) => n.toFixed(2)).join(" ")} / ${report.host.loadavgEnd.map((n) => n.toFixed(2)).join(" ")} (the bench shares the machine with everything else running).`,
  );
  return `${parts.join("\n")}\n`;
}

export function writeReport(report: BenchReport, dir: string): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, "bench.json");
  const md = join(dir, "bench.md");
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(md, renderMarkdown(report));
  return { json, md };
}
