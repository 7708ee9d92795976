import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { nativeAdapter } from "../../../devices/adapters/native.js";
import {
  createDemoSimulator,
  type SimMqttClient,
  WearableSimulator,
} from "../../../devices/wearable-sim/index.js";
import { FakeClock } from "../../../hub/core/clock.js";

class FakeClient implements SimMqttClient {
  published: { topic: string; message: string; qos: number }[] = [];
  ended = false;
  failNext = false;
  async publishAsync(topic: string, message: string, opts: { qos: 0 | 1 | 2 }): Promise<undefined> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error("broker gone");
    }
    this.published.push({ topic, message, qos: opts.qos });
    return undefined;
  }
  async endAsync(): Promise<void> {
    this.ended = true;
  }
}

const flush = () => new Promise((r) => setImmediate(r));

describe("WearableSimulator (fake client, fake clock)", () => {
  it("publishes one QoS 1 native payload per person at start and every interval, until stopped", async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 27, 18));
    const client = new FakeClient();
    const sim = new WearableSimulator({
      client,
      clock,
      people: ["alex", { person: "sam", restingHr: 55 }],
      intervalMs: 2000,
    });
    await sim.start();
    await flush();
    expect(client.published.map((p) => p.topic)).toEqual(["calm/alex/wearable", "calm/sam/wearable"]);
    expect(client.published.every((p) => p.qos === 1)).toBe(true);
    clock.advance(2000);
    clock.advance(2000);
    await flush();
    expect(client.published).toHaveLength(6);
    const last = JSON.parse(client.published[5]?.message ?? "{}") as { ts: number };
    expect(last.ts).toBe(clock.now());
    for (const p of client.published) {
      const r = nativeAdapter.parse(p.message, { person: "x", topic: p.topic, received_at: clock.now() });
      expect(r.ok).toBe(true);
    }
    await sim.stop();
    clock.advance(10_000);
    await flush();
    expect(client.published).toHaveLength(6);
    expect(client.ended).toBe(false); // not ours to end
    expect(clock.pendingTimers()).toBe(0);
  });

  it("keeps going after a failed publish and reports it", async () => {
    const clock = new FakeClock();
    const client = new FakeClient();
    const errors: unknown[] = [];
    const sim = new WearableSimulator({ client, clock, people: ["alex"], onError: (e) => errors.push(e) });
    client.failNext = true;
    await sim.start();
    clock.advance(5000);
    await flush();
    expect(errors).toHaveLength(1);
    expect(client.published).toHaveLength(1);
    await sim.stop();
  });

  it("refuses people that cannot be a topic segment, and a missing broker", () => {
    const client = new FakeClient();
    expect(() => new WearableSimulator({ client, people: ["a/b"] })).toThrow(TypeError);
    expect(() => new WearableSimulator({ client, people: ["#"] })).toThrow(TypeError);
    expect(() => new WearableSimulator({ people: ["alex"] })).toThrow(TypeError);
  });

  it("demo: the first person's stress starts rising about 10 s in", () => {
    const sim = createDemoSimulator({ client: new FakeClient(), people: ["alex", "sam"] });
    const [alex, sam] = sim.models;
    const t0 = Date.UTC(2026, 10, 27, 18);
    alex?.next(t0);
    sam?.next(t0);
    expect(alex?.stressAt(t0 + 8_000)).toBe(0);
    expect(alex?.stressAt(t0 + 25_000)).toBeGreaterThan(0.8);
    expect(sam?.stressAt(t0 + 25_000)).toBe(0);
  });
});

const url = process.env.MQTT_TEST_URL;
describe.skipIf(!url)("WearableSimulator against a real broker", () => {
  let sub: mqtt.MqttClient | undefined;
  afterEach(async () => {
    await sub?.endAsync();
  });

  it("a subscriber receives valid native payloads on calm/<person>/wearable", async () => {
    const person = `sim${Math.random().toString(16).slice(2, 8)}`;
    sub = await mqtt.connectAsync(url ?? "");
    const got: { topic: string; payload: Buffer; qos: number }[] = [];
    sub.on("message", (topic, payload, packet) => got.push({ topic, payload, qos: packet.qos }));
    await sub.subscribeAsync(`calm/${person}/wearable`, { qos: 1 });
    const sim = new WearableSimulator({ brokerUrl: url, people: [person], intervalMs: 200 });
    await sim.start();
    const deadline = Date.now() + 5000;
    while (got.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await sim.stop();
    expect(got.length).toBeGreaterThanOrEqual(3);
    for (const m of got) {
      expect(m.qos).toBe(1);
      const r = nativeAdapter.parse(m.payload, { person, topic: m.topic, received_at: Date.now() });
      expect(r.ok).toBe(true);
    }
  });
});
