// The bench machinery end to end at a tiny load: forked publisher and SUT children (the hub, the raw floor,
// Node-RED with core nodes and Node-RED with the Home Assistant palette), a real broker (Mosquitto at
// MQTT_TEST_URL when set, else aedes in a child), the HA simulator, the call check under a cooldown, the cold
// start and the report files. It asserts shape and exactly-once delivery, never timings.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type BenchReport, runBench } from "./harness.js";
import { renderText, writeReport } from "./report.js";
import { SUT_KINDS } from "./types.js";

const PEOPLE = 5;

describe("bench (quick, tiny load)", () => {
  it("measures every SUT, calls once per person per cooldown window, and times each one's first action", async () => {
    const url = process.env.MQTT_TEST_URL;
    const report: BenchReport = await runBench(
      {
        broker: url ? "mosquitto" : "aedes",
        mosquittoUrl: url ?? "",
        sys: false,
        crossEvery: 2,
        // A cooldown shorter than the run, so that each person has a second window: a SUT that ignores the
        // cooldown calls 15 times per person, one that never leaves it calls once.
        cooldownS: 2,
        scenarios: [
          {
            id: "smoke",
            issue: 2,
            title: "5 people, 50/s, 3 s",
            people: PEOPLE,
            rate: 50,
            durationS: 3,
            haExtraEntities: 0,
            suts: [...SUT_KINDS],
          },
        ],
        coldStart: { suts: [...SUT_KINDS], spawns: 1 },
        soak: { readings: 5_000, people: 10 },
        log: () => {},
      },
      { quick: true, full: false },
    );

    expect(report.runs.map((r) => r.sut)).toEqual(["hub", "floor", "nodered", "nodered-ha"]);
    for (const run of report.runs) {
      expect(run.error).toBeUndefined();
      expect(run).toMatchObject({
        scenario: "smoke",
        people: PEOPLE,
        offeredRate: 50,
        durationS: 3,
        repeat: 0,
      });
      expect(run.published).toBe(150);
      expect(run.processed).toBe(150);
      for (const key of [
        "publishedRate",
        "deliveredRate",
        "drainS",
        "cpuS",
        "peakRssMb",
        "endHeapMb",
      ] as const)
        expect(typeof run[key]).toBe("number");
      expect(typeof run.cpuUsPerReading).toBe("number");
      // Every 2nd reading of a person crosses (15 crossings each); the 2 s cooldown lets two through.
      expect(run.crossings.due).toBe(2 * PEOPLE);
      expect(run.crossings.heldBack).toBeGreaterThan(0);
      expect(run.calls).toEqual({
        expected: 2 * PEOPLE,
        received: 2 * PEOPLE,
        missing: 0,
        duplicates: 0,
        errors: 0,
        exactlyOnce: true,
      });
      expect(run.latencyMs).toEqual({
        p50: expect.any(Number),
        p99: expect.any(Number),
        max: expect.any(Number),
        n: 2 * PEOPLE,
      });
      expect(Object.keys(run.stages).sort()).toEqual([
        "decisionP50",
        "decisionP99",
        "receiptP50",
        "receiptP99",
      ]);
    }
    expect(report.summary.map((s) => [s.sut, s.runs, s.failed])).toEqual(SUT_KINDS.map((k) => [k, 1, 0]));

    expect(report.coldStart.map((c) => c.sut)).toEqual([...SUT_KINDS]);
    for (const c of report.coldStart) {
      expect(c.errors).toEqual([]);
      expect(c.firstActionMs).toEqual([expect.any(Number)]);
      expect(c.medianFirstActionMs).toBeGreaterThan(0);
      expect(c.medianReadyMs).toBeGreaterThan(0);
    }

    expect(report.soak?.samples.length).toBeGreaterThanOrEqual(10);
    expect(report.soak?.withIngest?.readings).toBe(5_000);

    const dir = mkdtempSync(join(tmpdir(), "calm-bench-smoke-"));
    const files = writeReport(report, dir);
    expect(JSON.parse(readFileSync(files.json, "utf8"))).toMatchObject({
      version: 1,
      runs: expect.any(Array),
      summary: expect.any(Array),
      coldStart: expect.any(Array),
    });
    const md = readFileSync(files.md, "utf8");
    expect(md).toContain("| smoke | nodered-ha | 1 |");
    expect(md).toContain("| nodered-ha | 1 |");
    const text = renderText(report);
    for (const label of [
      "hub / raw floor",
      "hub / Node-RED + HA nodes",
      "CPU hub/nodered-ha",
      "RSS hub/floor",
    ])
      expect(text).toContain(label);
    expect(text).toContain("fork → first action ms");
  }, 300_000);
});
