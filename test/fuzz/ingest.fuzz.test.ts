// Property-based fuzzing of ingest: every adapter format through the real Ingest class, then a smaller run
// through a whole hub over MQTT. Bad input must be counted under a reason, never thrown, and never cost a good
// reading around it.
import fc from "fast-check";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADAPTER_FORMATS, getAdapter } from "../../devices/adapters/index.js";
import { FakeClock, RejectReasonSchema, SampleSchema } from "../../hub/core/index.js";
import type { Hub } from "../../hub/hub.js";
import type { Ingest, Route } from "../../hub/ingest/index.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { connectWearable, startTestHub } from "../support/hub.js";
import { testIngest } from "../support/ingest.js";
import { waitFor } from "../support/wait-for.js";
import { badPayload, personName } from "./arbitraries.js";

const INGEST_RUNS = 1000;
const HUB_RUNS = 60;
const REASONS = new Set<string>(RejectReasonSchema.options);
const NOW = Date.UTC(2026, 10, 27, 7, 20, 0);
const encoder = new TextEncoder();

function vendorTopic(format: string): string {
  return `bridge/${format}/alice`;
}

function makeIngest(clock: FakeClock): Ingest {
  const routes: Route[] = ADAPTER_FORMATS.filter((f) => f !== "native").map((format) => ({
    filter: vendorTopic(format),
    format,
    person: "alice",
  }));
  routes.push({ filter: "calm/+/wearable", format: "native" });
  return testIngest(clock, routes, ["alice"]);
}

type Message =
  | { kind: "good"; n: number }
  | { kind: "bad"; format: string; payload: Uint8Array }
  | { kind: "topic"; person: string; payload: Uint8Array }
  | { kind: "time"; offsetMs: number }
  | { kind: "again" };

const message: fc.Arbitrary<Message> = fc.oneof(
  { weight: 3, arbitrary: fc.nat().map((n) => ({ kind: "good" as const, n })) },
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(...ADAPTER_FORMATS)
      .chain((format) => badPayload(format).map((payload) => ({ kind: "bad" as const, format, payload }))),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(personName, badPayload("native")).map(([person, payload]) => ({
      kind: "topic" as const,
      person,
      payload,
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.integer({ min: 31_000, max: 10 * 365 * 86_400_000 }),
        fc.integer({ min: -20 * 365 * 86_400_000, max: -301_000 }),
      )
      .map((offsetMs) => ({ kind: "time" as const, offsetMs })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "again" as const }) },
);

const total = (c: Ingest["counters"]): number =>
  c.accepted + Object.values(c.rejected).reduce((a, b) => a + b, 0);

describe("ingest fuzz (every format, the real Ingest class)", () => {
  it(`never throws, counts every rejection under a reason, keeps every good reading (${INGEST_RUNS} runs)`, () => {
    let messages = 0;
    const reasons: Record<string, number> = {};
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 30 }), (batch) => {
        const clock = new FakeClock(NOW);
        const ingest = makeIngest(clock);
        let goodSent = 0;
        let goodSeq = 0;
        let lastGood: Uint8Array | undefined;
        const goodIds = new Set<string>();
        for (const m of batch) {
          messages++;
          let topic: string;
          let payload: Uint8Array;
          let expectGood = false;
          let expectDuplicate = false;
          switch (m.kind) {
            case "good": {
              const id = `good-${goodSeq++}`;
              topic = "calm/alice/wearable";
              payload = encoder.encode(
                JSON.stringify({ ts: NOW - goodSeq * 1000, id, hr: 60 + (m.n % 100), stress: m.n % 101 }),
              );
              lastGood = payload;
              expectGood = true;
              goodSent++;
              break;
            }
            case "bad":
              topic = m.format === "native" ? "calm/alice/wearable" : vendorTopic(m.format);
              payload = m.payload;
              break;
            case "topic":
              topic = `calm/${m.person}/wearable`;
              payload = m.payload;
              break;
            case "time":
              topic = "calm/alice/wearable";
              payload = encoder.encode(JSON.stringify({ ts: NOW + m.offsetMs, hr: 70 }));
              break;
            case "again":
              topic = "calm/alice/wearable";
              payload = lastGood ?? encoder.encode("{}");
              expectDuplicate = lastGood !== undefined;
              break;
          }
          const before = { ...ingest.counters, rejected: { ...ingest.counters.rejected } };
          // The adapter itself must not throw either (ingest would hide it as invalid_payload).
          const format = m.kind === "bad" ? m.format : "native";
          expect(() =>
            getAdapter(format)?.parse(payload, { person: "alice", topic, received_at: NOW }),
          ).not.toThrow();
          const out = ingest.handle(topic, payload);
          const after = ingest.counters;
          // Every message is accounted for: accepted, or rejected under a known reason.
          expect(total(after) - total(before)).toBeGreaterThanOrEqual(Math.max(1, out.length));
          expect(after.accepted - before.accepted).toBe(out.length);
          for (const reason of Object.keys(after.rejected)) expect(REASONS.has(reason)).toBe(true);
          for (const item of out) {
            expect(SampleSchema.safeParse(item.sample).success).toBe(true);
            expect(Number.isFinite(item.sample.measured_at)).toBe(true);
            expect(item.sample.measured_at).toBeLessThanOrEqual(NOW + 30_000);
            if (item.sample.id?.startsWith("good-")) goodIds.add(item.sample.id);
          }
          if (expectGood) expect(out).toHaveLength(1);
          if (expectDuplicate) {
            expect(out).toHaveLength(0);
            expect((after.rejected.duplicate ?? 0) - (before.rejected.duplicate ?? 0)).toBe(1);
          }
          if (m.kind === "time" && m.offsetMs > 30_000) expect(out).toHaveLength(0);
          if (m.kind === "time" && m.offsetMs < 0) expect(out[0]?.fresh).toBe(false);
        }
        expect(goodIds.size).toBe(goodSent);
        for (const [r, n] of Object.entries(ingest.counters.rejected)) reasons[r] = (reasons[r] ?? 0) + n;
        reasons.accepted = (reasons.accepted ?? 0) + ingest.counters.accepted;
      }),
      { numRuns: INGEST_RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261127) },
    );
    console.info(
      `[fuzz/ingest] ${INGEST_RUNS} runs, ${messages} messages through Ingest: ${JSON.stringify(reasons)}`,
    );
    // The generators reach every outcome that matters, not just "malformed".
    for (const r of [
      "accepted",
      "malformed_json",
      "invalid_payload",
      "too_large",
      "unknown_topic",
      "duplicate",
    ])
      expect(reasons[r] ?? 0).toBeGreaterThan(0);
  });
});

describe("ingest fuzz through a running hub over MQTT", () => {
  let broker: TestBroker;
  let hub: Hub;
  let wearable: MqttClient;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };

  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled);
    broker = await startTestBroker();
    const people = ADAPTER_FORMATS.filter((f) => f !== "native")
      .map((f) => `      - { format: ${f}, topic: "${broker.base}/bridge/${f}/alice" }`)
      .join("\n");
    hub = await startTestHub({
      mqttUrl: broker.url,
      base: broker.base,
      yaml: `people:\n  alice:\n    sources:\n${people}\n`,
    });
    wearable = await connectWearable(broker.url);
  });
  afterAll(async () => {
    await wearable?.endAsync();
    await hub?.stop();
    await broker?.stop();
    process.off("unhandledRejection", onUnhandled);
  });

  it(`survives hostile payloads on every topic and still takes the good ones (${HUB_RUNS} runs)`, async () => {
    const base = broker.base;
    let sent = 0;
    let good = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom(...ADAPTER_FORMATS),
            fc.constantFrom(...ADAPTER_FORMATS).chain((f) => badPayload(f)),
            personName,
          ),
          { minLength: 1, maxLength: 8 },
        ),
        async (batch) => {
          const before = total(hub.ingest.counters);
          for (const [format, payload, person] of batch) {
            const safePerson = [...person].map((ch) => ("+#/\0".includes(ch) ? "_" : ch)).join("") || "_";
            const topic =
              format === "native" ? `${base}/${safePerson}/wearable` : `${base}/bridge/${format}/alice`;
            await wearable.publishAsync(topic, Buffer.from(payload), { qos: 1 });
            sent++;
          }
          const id = `hub-good-${good++}`;
          await wearable.publishAsync(
            `${base}/alice/wearable`,
            JSON.stringify({ ts: Date.now() - 1000 + good, id, hr: 64 }),
            { qos: 1 },
          );
          sent++;
          await waitFor(() => total(hub.ingest.counters) - before >= batch.length + 1, {
            what: "every message accounted for",
          });
        },
      ),
      { numRuns: HUB_RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261127) },
    );
    // Every good reading made it into the pipeline, and the hub is still well.
    await waitFor(
      () => hub.store.samples.list("alice", 0).filter((s) => s.id?.startsWith("hub-good-")).length === good,
      {
        what: "good readings stored",
        timeoutMs: 5_000,
      },
    );
    expect(unhandled).toEqual([]);
    expect(hub.mqtt.state).toBe("online");
    const health = await hub.api?.inject({ method: "GET", url: "/api/health" });
    expect(health?.statusCode).toBe(200);
    console.info(`[fuzz/ingest-hub] ${HUB_RUNS} runs, ${sent} MQTT messages, ${good} good readings all kept`);
  });
});
