// The bench machinery end to end at a tiny load: forked publisher and SUT children, a real broker
// (Mosquitto at MQTT_TEST_URL when set, else aedes in a child), the HA simulator, the call check and the
// report files. It asserts shape and exactly-once delivery, never timings.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type BenchReport, runBench } from "./harness.js";
import { renderText, writeReport } from "./report.js";

describe("bench (quick, tiny load)", () => {
  it("measures the hub and the raw floor and sees every expected call exactly once", async () => {
    const url = process.env.MQTT_TEST_URL;
    const report: BenchReport = await runBench(
      {
        broker: url ? "mosquitto" : "aedes",
        mosquittoUrl: url ?? "",
        sys: false,
        crossEvery: 2,
        scenarios: [
          {
            id: "smoke",
            issue: 2,
            title: "5 people, 50/s, 1 s",
            people: 5,
            rate: 50,
            durationS: 1,
            haExtraEntities: 0,
            suts: ["hub", "floor"],
          },
        ],
        soak: { readings: 5_000, people: 10 },
        log: () => {},
      },
      { quick: true, full: false },
    );

    expect(report.runs).toHaveLength(2);
    for (const run of report.runs) {
      expect(run.error).toBeUndefined();
      expect(run).toMatchObject({ scenario: "smoke", people: 5, offeredRate: 50, durationS: 1 });
      expect(run.published).toBe(50);
      expect(run.processed).toBe(50);
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
      expect(run.latencyMs).toEqual({
        p50: expect.any(Number),
        p99: expect.any(Number),
        max: expect.any(Number),
        n: 25,
      });
      expect(Object.keys(run.stages).sort()).toEqual([
        "decisionP50",
        "decisionP99",
        "receiptP50",
        "receiptP99",
      ]);
      // Every 2nd reading of each person crosses the threshold: 5 people × 10 readings / 2.
      expect(run.calls).toEqual({
        expected: 25,
        received: 25,
        missing: 0,
        duplicates: 0,
        errors: 0,
        exactlyOnce: true,
      });
    }
    expect(report.runs.map((r) => r.sut)).toEqual(["hub", "floor"]);
    expect(report.soak?.samples.length).toBeGreaterThanOrEqual(10);
    expect(report.soak?.withIngest?.readings).toBe(5_000);

    const dir = mkdtempSync(join(tmpdir(), "calm-bench-smoke-"));
    const files = writeReport(report, dir);
    expect(JSON.parse(readFileSync(files.json, "utf8"))).toMatchObject({
      version: 1,
      runs: expect.any(Array),
    });
    expect(readFileSync(files.md, "utf8")).toContain("| smoke | hub |");
    expect(renderText(report)).toContain("hub / raw floor");
  }, 180_000);
});
