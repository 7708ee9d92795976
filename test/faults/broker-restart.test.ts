// Fault: the MQTT broker really goes away in the middle of a reading stream and comes back. Mosquitto is
// stopped (pkill -x) and started again when MQTT_TEST_URL points at the local one and the test runs as root;
// otherwise the in-process aedes broker stops listening, drops every client and listens again.
// Actors: a wearable bridge (QoS 1, persistent session: it queues what it publishes while the broker is down),
// the hub (persistent session: the broker queues for it while it is disconnected), the HA simulator.
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import type { Hub } from "../../hub/hub.js";
import { type StoppableBroker, startStoppableBroker } from "../support/fault-broker.js";
import { nextTs, startTestHub } from "../support/hub.js";
import { sleep, waitFor } from "../support/wait-for.js";

const N = 200;
const RULE = `
rules:
  - id: calm-scene
    trigger: { type: stress, above: 70 }
    cooldown_s: 0
    ttl_s: 600
    actions: [{ action: scene.turn_on, target: { entity_id: "scene.calm_{person}" } }]
`;

let broker: StoppableBroker;
let sim: HaSimulator;
let hub: Hub | undefined;
let wearable: MqttClient | undefined;

beforeAll(async () => {
  broker = await startStoppableBroker();
  sim = await HaSimulator.start();
});

afterAll(async () => {
  wearable?.end(true);
  await hub?.stop();
  await sim?.stop();
  // Whatever happened above, a system Mosquitto is running again when this file is done.
  await broker?.close();
});

/** Reading i: odd ones high, even ones low, so every odd reading is a fresh crossing of 70. */
function reading(i: number): string {
  return JSON.stringify({ ts: nextTs(), id: `r${i}`, stress: i % 2 === 1 ? 90 : 20 });
}

describe("broker restart mid-stream", () => {
  it(`processes every one of ${N} readings exactly once and acts once per crossing`, async () => {
    hub = await startTestHub({
      mqttUrl: broker.url,
      base: broker.base,
      haUrl: sim.url,
      haToken: sim.token,
      clientId: `${broker.base}-hub`,
      yaml: RULE,
    });
    const h = hub;
    await waitFor(() => h.ha.state === "online", { what: "Home Assistant link" });

    const processed: string[] = [];
    h.events.on("sample", (s) => processed.push(s.sample.id ?? "?"));
    let deliveries = 0;
    h.mqtt.onMessage(() => deliveries++);

    const client = await mqtt.connectAsync(broker.url, {
      clientId: `${broker.base}-bridge`,
      clean: false,
      reconnectPeriod: 250,
    });
    wearable = client;
    const topic = `${broker.base}/alice/wearable`;
    const acks: Promise<unknown>[] = [];
    const publish = (i: number): void => {
      acks.push(client.publishAsync(topic, reading(i), { qos: 1 }));
    };

    const first = Math.floor(N / 4);
    const offline = Math.floor(N / 2);
    for (let i = 0; i < first; i++) publish(i);
    await Promise.all(acks);

    await broker.down();
    await waitFor(() => h.mqtt.state === "offline" && !client.connected, { what: "both clients offline" });
    for (let i = first; i < first + offline; i++) publish(i);
    expect(h.mqtt.state).toBe("offline");
    await broker.up();
    for (let i = first + offline; i < N; i++) publish(i);
    await Promise.all(acks);

    await waitFor(() => new Set(processed).size === N, {
      what: `all ${N} readings (${new Set(processed).size} so far)`,
      timeoutMs: 30_000,
    });
    const crossings = N / 2;
    await waitFor(() => h.store.actions.recent(1000).filter((e) => e.result === "ok").length === crossings, {
      what: "one action per crossing",
      timeoutMs: 20_000,
    });
    await sleep(500);

    const unique = new Set(processed);
    const lost = N - unique.size;
    const duplicates = processed.length - unique.size;
    const actions = h.store.actions.recent(1000);
    const readingIds = actions.map((e) => e.trigger.reading_id);
    const sceneCalls = sim.calls.filter((c) => c.domain === "scene" && c.service === "turn_on");
    console.info(
      `[broker-restart/${broker.kind}] readings ${N}, lost ${lost}, duplicates ${duplicates}, MQTT deliveries ${deliveries}, actions ${actions.length}, scene calls ${sceneCalls.length}`,
    );
    expect(lost).toBe(0);
    expect(duplicates).toBe(0);
    expect(actions).toHaveLength(crossings);
    expect(new Set(readingIds).size).toBe(crossings);
    expect(actions.every((e) => e.result === "ok")).toBe(true);
    expect(sceneCalls).toHaveLength(crossings);
    expect(h.health()).toMatchObject({ status: "ok", mqtt: "online" });
  });
});
