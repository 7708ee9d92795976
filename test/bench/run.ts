/**
 * `npm run bench [-- --quick] [-- --full] [-- --broker mosquitto|aedes] [-- --only hub|floor|nodered|nodered-ha[,…]]`
 * `npm run bench -- --scenarios 1000p@5k --only hub,floor --no-soak` runs one scenario of the full set alone.
 * `--runs 3` repeats each scenario × SUT and reports medians; `--cooldown S` sets the rule's per-person
 * cooldown (default 60, 0 calls on every crossing); `--no-cold-start` skips the fork → first action spawns.
 *
 * Prints a table, writes test-results/bench.json and test-results/bench.md. See harness.ts for how each
 * number is measured.
 */
import { parseArgs } from "node:util";
import { runBench } from "./harness.js";
import { renderText, writeReport } from "./report.js";
import { buildScenarios } from "./scenarios.js";
import { SUT_KINDS, type SutKind } from "./types.js";

const SUTS: readonly SutKind[] = SUT_KINDS;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    full: { type: "boolean", default: false },
    broker: { type: "string", default: "mosquitto" },
    only: { type: "string" },
    scenarios: { type: "string" },
    "mqtt-url": { type: "string", default: process.env.MQTT_TEST_URL ?? "mqtt://127.0.0.1:1883" },
    "cross-every": { type: "string", default: "10" },
    cooldown: { type: "string", default: "60" },
    runs: { type: "string", default: "1" },
    "no-cold-start": { type: "boolean", default: false },
    "soak-readings": { type: "string" },
    "no-soak": { type: "boolean", default: false },
    out: { type: "string", default: "test-results" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  process.stdout.write(
    "npm run bench -- [--quick] [--full] [--broker mosquitto|aedes] [--only hub|floor|nodered|nodered-ha[,...]] [--scenarios ID[,...]] [--runs N] [--cooldown S] [--no-cold-start] [--mqtt-url URL] [--cross-every K] [--soak-readings N] [--no-soak] [--out DIR]\n",
  );
  process.exit(0);
}

const broker = values.broker;
if (broker !== "mosquitto" && broker !== "aedes") {
  process.stderr.write(`--broker must be mosquitto or aedes, not "${broker}"\n`);
  process.exit(2);
}
const only = values.only?.split(",").map((s) => s.trim()) ?? [];
for (const o of only)
  if (!SUTS.includes(o as SutKind)) {
    process.stderr.write(`--only takes ${SUTS.join(", ")}, not "${o}"\n`);
    process.exit(2);
  }
const crossEvery = Number(values["cross-every"]);
if (!Number.isInteger(crossEvery) || crossEvery < 2) {
  process.stderr.write("--cross-every must be an integer ≥ 2\n");
  process.exit(2);
}

const cooldownS = Number(values.cooldown);
if (!Number.isFinite(cooldownS) || cooldownS < 0) {
  process.stderr.write("--cooldown must be a number of seconds ≥ 0\n");
  process.exit(2);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write("--runs must be an integer ≥ 1\n");
  process.exit(2);
}

const picked = values.scenarios?.split(",").map((s) => s.trim());
const known = buildScenarios({ quick: false, full: true }).map((s) => s.id);
for (const id of picked ?? [])
  if (!known.includes(id)) {
    process.stderr.write(`--scenarios takes ${known.join(", ")}, not "${id}"\n`);
    process.exit(2);
  }
const quick = values.quick;
const full = values.full;
const soakReadings = Number(values["soak-readings"] ?? (quick ? 200_000 : 2_000_000));

// Named scenarios are picked from the full set, so that one of them runs without all the others.
const scenarios = buildScenarios({
  quick,
  full: full || picked !== undefined,
  only: only as SutKind[],
}).filter((s) => !picked || picked.includes(s.id));
// Every SUT the scenarios run is cold-started too, in the order they first appear.
const coldSuts = [...new Set(scenarios.flatMap((s) => s.suts))];
const report = await runBench(
  {
    broker,
    mosquittoUrl: values["mqtt-url"],
    scenarios,
    crossEvery,
    cooldownS,
    runs,
    coldStart: values["no-cold-start"] ? false : { suts: coldSuts, spawns: full ? 3 : 1 },
    soak: values["no-soak"] ? false : { readings: soakReadings, people: 1000 },
    log: (line) => process.stdout.write(`${line}\n`),
  },
  { quick, full },
);
const files = writeReport(report, values.out);
process.stdout.write(`\n${renderText(report)}\n\nWrote ${files.json} and ${files.md}\n`);
process.exit(report.runs.some((r) => r.error) ? 1 : 0);
