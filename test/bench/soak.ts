/**
 * "Memory flat over a long simulated day": pushes N readings through the hub's pure core (StressDetector,
 * evaluateRules) with timestamps advancing fast, sampling RSS and heapUsed every N/10 readings. A second
 * pass puts the hub's Ingest (native JSON adapter, zod validation, per-person duplicate window) in front.
 * No sockets, no store: only what lives in memory per reading.
 */

import { type Rule, RuleSchema } from "../../hub/config/index.js";
import { FakeClock } from "../../hub/core/index.js";
import { StressDetector } from "../../hub/detect/index.js";
import { evaluateRules } from "../../hub/rules/index.js";
import { testIngest } from "../support/ingest.js";
import type { SoakResult, SoakSample, SoakSpec } from "./types.js";
import { personId, stressFor } from "./workload.js";

const DAY_MS = 86_400_000;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function mem(readings: number): SoakSample {
  gc();
  const m = process.memoryUsage();
  return { readings, rssMb: m.rss / 1048576, heapUsedMb: m.heapUsed / 1048576 };
}

function loop(spec: SoakSpec, withIngest: boolean): Omit<SoakResult, "withIngest"> {
  const span = spec.spanMs ?? DAY_MS;
  const start = Date.UTC(2026, 0, 1, 0, 0, 0);
  const clock = new FakeClock(start);
  const rules: Rule[] = [
    RuleSchema.parse({
      id: "soak",
      trigger: { type: "stress", above: 70 },
      cooldown_s: 60,
      actions: [{ action: "scene.turn_on", target: { entity_id: "scene.calm_{person}" } }],
    }),
  ];
  const detector = new StressDetector();
  const fired = new Map<string, number>();
  const ingest = testIngest(clock);
  const topics = Array.from({ length: spec.people }, (_, i) => `calm/${personId(i)}/wearable`);
  const counts = new Int32Array(spec.people);
  const step = span / spec.readings;
  const every = Math.max(1, Math.floor(spec.readings / 10));
  const samples: SoakSample[] = [mem(0)];
  let firedCount = 0;
  const t0 = performance.now();
  for (let n = 0; n < spec.readings; n++) {
    const now = start + Math.floor(n * step);
    clock.set(now);
    const i = n % spec.people;
    const c = counts[i] ?? 0;
    counts[i] = c + 1;
    const person = personId(i);
    const stress = stressFor(i, c, 10);
    let items: { sample: Parameters<StressDetector["update"]>[0]; fresh: boolean }[];
    if (withIngest) {
      const body = `{"ts":${now},"id":"${person}-${c}","stress":${stress}}`;
      items = ingest.handle(topics[i] ?? "", Buffer.from(body));
    } else {
      items = [
        {
          sample: { person, measured_at: now, received_at: now, source: "native", quality: 1, stress },
          fresh: true,
        },
      ];
    }
    for (const item of items) {
      const previous = detector.state(item.sample.person);
      const state = detector.update(item.sample);
      if (!state) continue;
      const decisions = evaluateRules(
        rules,
        { person: state.person, state, previous },
        { now, timeZone: "Europe/Berlin", lastFired: (rule, p) => fired.get(`${rule}\u0000${p}`) },
      );
      for (const d of decisions) {
        if (d.outcome !== "fired") continue;
        fired.set(`${d.rule_id}\u0000${d.person}`, now);
        firedCount++;
      }
    }
    if ((n + 1) % every === 0) samples.push(mem(n + 1));
  }
  const wallS = (performance.now() - t0) / 1000;
  const first = samples[1] ?? samples[0];
  const last = samples[samples.length - 1];
  return {
    readings: spec.readings,
    people: spec.people,
    simulatedHours: span / 3_600_000,
    fired: firedCount,
    wallS,
    samples,
    // "Start" is the first sample after warm-up (N/10 readings in), so that JIT and the per-person maps
    // filling up are not counted as growth.
    startHeapMb: first?.heapUsedMb ?? 0,
    endHeapMb: last?.heapUsedMb ?? 0,
    startRssMb: first?.rssMb ?? 0,
    endRssMb: last?.rssMb ?? 0,
  };
}

export async function runSoak(spec: SoakSpec): Promise<SoakResult> {
  const core = loop(spec, false);
  const withIngest = loop(spec, true);
  return { ...core, withIngest };
}
