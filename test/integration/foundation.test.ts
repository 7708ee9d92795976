// Actors: wearable (an MQTT client), broker (aedes in-process, or Mosquitto at MQTT_TEST_URL), hub (the whole
// Calm Hub), ha (the Home Assistant simulator, driven by the hub's real home-assistant-js-websocket client).
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import type { Hub } from "../../hub/hub.js";
import type { Decision } from "../../hub/rules/index.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { API_TOKEN, connectWearable, publishReading, startTestHub, tempDir } from "../support/hub.js";
import { SkewClock } from "../support/skew-clock.js";
import { waitFor } from "../support/wait-for.js";

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
    // Once the action is logged as done the runner is finished with it: no retry or second call can follow.
    const log = await waitFor(() => h.store.actions.recent(5).find((e) => e.result === "ok"), {
      what: "action log",
    });
    expect(h.ingest.counters.accepted).toBe(1);
    expect(sceneCalls("alice")).toHaveLength(1);
    expect(sim.calls.filter((c) => c.domain === "scene")).toHaveLength(1);
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
    const decisions: Decision[] = [];
    h.events.on("decision", (d) => decisions.push(d));
    const base = h.config.mqtt.base_topic;
    await publishReading(wearable, base, "bob", { stress: 90 });
    await waitFor(() => sceneCalls("bob").length === 1);
    await publishReading(wearable, base, "bob", { stress: 20 });
    await publishReading(wearable, base, "bob", { stress: 95 });
    // The rule saw the second high reading and held back: that decision is the observable, not a pause.
    const held = await waitFor(() => decisions.find((d) => d.person === "bob" && d.outcome !== "fired"), {
      what: "the rule's decision on the second high reading",
    });
    expect(held.outcome).toBe("cooldown");
    expect(decisions.filter((d) => d.outcome === "fired")).toHaveLength(1);
    await waitFor(() => h.store.actions.recent(5).some((e) => e.person === "bob" && e.result === "ok"), {
      what: "the first call finished",
    });
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

    const second = await hub({ base, dataDir });
    await waitFor(() => sceneCalls("dave").length === 1, { what: "call after restart", timeoutMs: 10_000 });
    // Handled exactly once, by the hub that came back: the reading arrived once and its call is finished.
    await waitFor(
      () => second.store.actions.recent(5).some((e) => e.person === "dave" && e.result === "ok"),
      {
        what: "the call logged as done",
      },
    );
    expect(second.ingest.counters.accepted).toBe(1);
    expect(sceneCalls("dave")).toHaveLength(1);
  });

  it("survives Home Assistant dropping the connection, and reports it in health", async () => {
    const h = await hub();
    const base = h.config.mqtt.base_topic;
    // The link may be back within a poll interval, so health is read at each change of the link, not polled.
    const seen: { link: string; health: string }[] = [];
    const off = h.ha.onState((state) => seen.push({ link: state, health: h.health().status }));
    sim.dropConnections();
    await waitFor(() => seen.some((s) => s.link !== "online"), {
      what: "the hub noticing",
      timeoutMs: 3_000,
    });
    await waitFor(() => h.ha.state === "online", { what: "reconnect", timeoutMs: 10_000 });
    off();
    expect(seen.find((s) => s.link !== "online")?.health).toBe("degraded");
    expect(seen.at(-1)).toEqual({ link: "online", health: "ok" });
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
