/**
 * `npm run bench [-- --quick] [-- --full] [-- --broker mosquitto|aedes] [-- --only hub|floor|nodered[,…]]`
 *
 * Prints a table, writes test-results/bench.json and test-results/bench.md. See harness.ts for how each
 * number is measured.
 */
import { parseArgs } from "node:util";
import { runBench } from "./harness.js";
import { renderText, writeReport } from "./report.js";
import { buildScenarios } from "./scenarios.js";
import type { SutKind } from "./types.js";

const SUTS: readonly SutKind[] = ["hub", "floor", "nodered"];

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    full: { type: "boolean", default: false },
    broker: { type: "string", default: "mosquitto" },
    only: { type: "string" },
    scenarios: { type: "string" },
    "mqtt-url": { type: "string", default: process.env.MQTT_TEST_URL ?? "mqtt://127.0.0.1:1883" },
    "cross-every": { type: "string", default: "10" },
    "soak-readings": { type: "string" },
    out: { type: "string", default: "test-results" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  process.stdout.write(
    "npm run bench -- [--quick] [--full] [--broker mosquitto|aedes] [--only hub|floor|nodered[,...]] [--scenarios ID[,...]] [--mqtt-url URL] [--cross-every K] [--soak-readings N] [--out DIR]\n",
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
    process.stderr.write(`--only takes hub, floor or nodered, not "${o}"\n`);
    process.exit(2);
  }
const crossEvery = Number(values["cross-every"]);
if (!Number.isInteger(crossEvery) || crossEvery < 2) {
  process.stderr.write("--cross-every must be an integer ≥ 2\n");
  process.exit(2);
}

const quick = values.quick;
const full = values.full;
const soakReadings = Number(values["soak-readings"] ?? (quick ? 200_000 : 2_000_000));

const report = await runBench(
  {
    broker,
    mosquittoUrl: values["mqtt-url"],
    scenarios: buildScenarios({ quick, full, only: only as SutKind[] }).filter(
      (s) => !values.scenarios || values.scenarios.split(",").includes(s.id),
    ),
    crossEvery,
    soak: { readings: soakReadings, people: 1000 },
    log: (line) => process.stdout.write(`${line}\n`),
  },
  { quick, full },
);
const files = writeReport(report, values.out);
process.stdout.write(`\n${renderText(report)}\n\nWrote ${files.json} and ${files.md}\n`);
process.exit(report.runs.some((r) => r.error) ? 1 : 0);
