// Fault: the store stops taking writes (disk full) while a calm episode runs, and the episode then ends from a
// timer nobody awaits. Actors: wearable (MQTT), broker (aedes), hub (fake clock, pino output captured), HA
// simulator. A plain Node process exits on an unhandled rejection, so none may escape.
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { FakeClock } from "../../hub/core/index.js";
import type { Hub } from "../../hub/hub.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { captureLog } from "../support/capture-log.js";
import { connectWearable, startTestHub } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

const HOME = `
rooms:
  living_room:
    lights: [light.living_room]
    people: [alice]
people:
  alice: { room: living_room }
episodes:
  brightness_pct: 30
  max_duration_min: 20
rules:
  - { id: calm-episode, trigger: { type: level, to: high }, cooldown_s: 0, ttl_s: 30, actions: [{ action: calm.start_episode }] }
`;

let broker: TestBroker;
let wearable: MqttClient;
const cleanups: (() => Promise<void>)[] = [];
const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => {
  rejections.push(reason);
};

beforeAll(async () => {
  broker = await startTestBroker();
  wearable = await connectWearable(broker.url);
  process.on("unhandledRejection", onRejection);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  process.off("unhandledRejection", onRejection);
  await wearable?.endAsync();
  await broker?.stop();
});

async function reading(h: Hub, clock: FakeClock, stress: number): Promise<void> {
  const before = h.ingest.counters.accepted;
  await wearable.publishAsync(
    `${h.config.mqtt.base_topic}/alice/wearable`,
    JSON.stringify({ ts: clock.now(), stress }),
    { qos: 1 },
  );
  await waitFor(() => h.ingest.counters.accepted > before, { what: "reading processed" });
}

describe("a store that fails during an episode end", () => {
  it("is logged, the room is still given back, and the hub keeps running", async () => {
    const sim = await HaSimulator.start();
    cleanups.push(() => sim.stop());
    const clock = new FakeClock(Date.parse("2026-11-27T19:00:00+01:00"));
    const log = captureLog("info");
    const hub = await startTestHub({
      mqttUrl: broker.url,
      base: `${broker.base}storefail`,
      haUrl: sim.url,
      haToken: sim.token,
      clock,
      logger: log.logger,
      yaml: HOME,
    });
    cleanups.push(() => hub.stop());
    await waitFor(() => hub.ha.state === "online" && hub.ha.getEntity("light.living_room"), {
      what: "HA entities",
    });

    await reading(hub, clock, 92);
    // calm.start_episode is done once the episode has dimmed the light and armed its timers.
    await waitFor(
      () => hub.store.actions.recent(10).find((e) => e.call.service === "start_episode" && e.result === "ok"),
      { what: "the rule's episode" },
    );
    expect(Number(sim.getState("light.living_room")?.attributes.brightness)).toBeLessThan(200);
    const docs = hub.store.docs;
    const put = docs.put.bind(docs);
    docs.put = () => {
      throw new Error("database or disk is full");
    };
    cleanups.push(async () => {
      docs.put = put;
    });

    // The episode's maximum runs out: its end starts from a timer, fire and forget.
    clock.advance(20 * 60_000);
    await waitFor(
      () => log.lines().find((l) => l.component === "episodes" && l.msg === "could not save the episode"),
      { what: "the store error in the log" },
    );
    await waitFor(() => sim.getState("light.living_room")?.attributes.brightness === 200, {
      what: "the light given back",
    });
    expect(hub.episodes.activeEpisodes()).toHaveLength(0);

    // Still running: the next reading is taken in, and no rejection escaped on the way.
    clock.advance(1_000);
    await reading(hub, clock, 30);
    await new Promise((r) => setImmediate(r));
    expect(rejections).toEqual([]);
  });
});
