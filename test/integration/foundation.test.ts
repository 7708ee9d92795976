// Actors: wearable (an MQTT client), broker (aedes in-process, or Mosquitto at MQTT_TEST_URL), hub (the whole
// Calm Hub), ha (the Home Assistant simulator, driven by the hub's real home-assistant-js-websocket client).
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import type { Hub } from "../../hub/hub.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { API_TOKEN, connectWearable, publishReading, startTestHub, tempDir } from "../support/hub.js";
import { SkewClock } from "../support/skew-clock.js";
import { sleep, waitFor } from "../support/wait-for.js";

let broker: TestBroker;
let sim: HaSimulator;
let wearable: MqttClient;
const hubs: Hub[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  sim = await HaSimulator.start();
  wearable = await connectWearable(broker.url);
});

afterEach(async () => {
  for (const h of hubs.splice(0)) await h.stop();
  sim.clearCalls();
});

afterAll(async () => {
  await wearable?.endAsync();
  await sim?.stop();
  await broker?.stop();
});

async function hub(opts: { base?: string; dataDir?: string; clock?: SkewClock } = {}): Promise<Hub> {
  const base = opts.base ?? `${broker.base}${hubs.length}x${Math.random().toString(36).slice(2, 6)}`;
  const h = await startTestHub({
    mqttUrl: broker.url,
    base,
    haUrl: sim.url,
    haToken: sim.token,
    yaml: "rules:\n  - { id: stress-scene, trigger: { type: stress, above: 70 }, cooldown_s: 60, ttl_s: 30, actions: [{ action: scene.turn_on, target: { entity_id: 'scene.calm_{person}' } }] }\n",
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  hubs.push(h);
  await waitFor(() => h.ha.state === "online", { what: "Home Assistant link" });
  return h;
}

const sceneCalls = (person: string) =>
  sim.calls.filter(
    (c) =>
      c.domain === "scene" &&
      c.service === "turn_on" &&
      JSON.stringify(c.target).includes(`scene.calm_${person}`),
  );

describe(`foundation, end to end (${process.env.MQTT_TEST_URL ? "external broker" : "aedes"})`, () => {
  it("turns a reading of 90 into exactly one scene.turn_on for that person", async () => {
    const h = await hub();
    await publishReading(wearable, h.config.mqtt.base_topic, "alice", { stress: 90 });
    await waitFor(() => sceneCalls("alice").length === 1, { what: "scene.turn_on" });
    await sleep(300);
    expect(sceneCalls("alice")).toHaveLength(1);
    expect(sim.calls.filter((c) => c.domain === "scene")).toHaveLength(1);
    const log = await waitFor(() => h.store.actions.recent(5).find((e) => e.result === "ok"), {
      what: "action log",
    });
    expect(log).toMatchObject({
      rule_id: "stress-scene",
      person: "alice",
      call: { domain: "scene", service: "turn_on" },
    });
    expect(log.trigger.score).toBe(90);
    expect(log.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it("stays quiet within the cooldown and acts again after it", async () => {
    const clock = new SkewClock();
    const h = await hub({ clock });
    const base = h.config.mqtt.base_topic;
    await publishReading(wearable, base, "bob", { stress: 90 });
    await waitFor(() => sceneCalls("bob").length === 1);
    await publishReading(wearable, base, "bob", { stress: 20 });
    await publishReading(wearable, base, "bob", { stress: 95 });
    await waitFor(() => h.ingest.counters.accepted === 3);
    await sleep(300);
    expect(sceneCalls("bob")).toHaveLength(1);

    clock.advance(61_000);
    await publishReading(wearable, base, "bob", { ts: clock.now(), stress: 30 });
    await publishReading(wearable, base, "bob", { ts: clock.now() + 1, stress: 88 });
    await waitFor(() => sceneCalls("bob").length === 2, { what: "second call after the cooldown" });
  });

  it("loses neither good reading around a malformed payload", async () => {
    const h = await hub();
    const base = h.config.mqtt.base_topic;
    await publishReading(wearable, base, "carol", { stress: 10 });
    await publishReading(wearable, base, "carol", "{not json");
    await publishReading(wearable, base, "carol", { stress: "high" });
    await publishReading(wearable, base, "carol", { stress: 91 });
    await waitFor(() => sceneCalls("carol").length === 1, {
      what: "call from the reading after the bad ones",
    });
    expect(h.ingest.counters.accepted).toBe(2);
    expect(h.ingest.counters.rejected).toMatchObject({ malformed_json: 1, invalid_payload: 1 });
    expect(h.mqtt.state).toBe("online");
  });

  it("acts on a reading published while the hub was restarting (persistent session)", async () => {
    const dataDir = tempDir();
    const base = `${broker.base}restart${Math.random().toString(36).slice(2, 6)}`;
    const first = await hub({ base, dataDir });
    await first.stop();
    hubs.splice(hubs.indexOf(first), 1);

    await publishReading(wearable, base, "dave", { stress: 93 });
    await sleep(200);
    expect(sceneCalls("dave")).toHaveLength(0);

    await hub({ base, dataDir });
    await waitFor(() => sceneCalls("dave").length === 1, { what: "call after restart", timeoutMs: 10_000 });
  });

  it("survives Home Assistant dropping the connection, and reports it in health", async () => {
    const h = await hub();
    const base = h.config.mqtt.base_topic;
    sim.dropConnections();
    await waitFor(() => h.health().status === "degraded" || h.ha.state !== "online", {
      what: "degraded",
      timeoutMs: 3_000,
    }).catch(() => undefined);
    await waitFor(() => h.ha.state === "online", { what: "reconnect", timeoutMs: 10_000 });
    await publishReading(wearable, base, "erin", { stress: 90 });
    await waitFor(() => sceneCalls("erin").length === 1, { what: "call after reconnect" });
    expect(h.health()).toMatchObject({ status: "ok", mqtt: "online", home_assistant: "online" });
  });

  it("serves health without a token and the action log only with one", async () => {
    const h = await hub();
    const health = await fetch(`${h.apiUrl}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", mqtt: "online", home_assistant: "online" });
    expect((await fetch(`${h.apiUrl}/api/actions`)).status).toBe(401);
    expect(
      (await fetch(`${h.apiUrl}/api/actions`, { headers: { authorization: "Bearer wrong" } })).status,
    ).toBe(401);
    const ok = await fetch(`${h.apiUrl}/api/actions`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(Array.isArray(await ok.json())).toBe(true);
  });
});
