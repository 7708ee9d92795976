import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HubControls } from "../../hub/controls/index.js";
import { Store } from "../../hub/store/index.js";
import { sleep, waitFor } from "../support/wait-for.js";
import { connectClient, type HubFixture, startHub } from "./fixture.js";

interface Seen {
  payload: string;
  retain: boolean;
}

let f: HubFixture;
let ha: MqttClient;
const seen = new Map<string, Seen>();
const history: { topic: string; payload: string }[] = [];

function configOf(topic: string): Record<string, unknown> {
  const s = seen.get(topic);
  if (!s) throw new Error(`no message on ${topic}`);
  return JSON.parse(s.payload) as Record<string, unknown>;
}

beforeAll(async () => {
  f = await startHub();
  // Subscribe as Home Assistant does: the discovery prefix, and the hub's state topics.
  ha = await connectClient(f.broker.url, `ha_${f.base}`);
  ha.on("message", (topic, payload, packet) => {
    seen.set(topic, { payload: payload.toString(), retain: packet.retain });
    history.push({ topic, payload: payload.toString() });
  });
  await ha.subscribeAsync([`${f.prefix}/#`, `${f.base}/#`], { qos: 1 });
});

afterAll(async () => {
  // Leave no retained configs behind on a shared broker.
  for (const [topic, s] of seen)
    if (s.retain && topic.startsWith(`${f.prefix}/`))
      await ha.publishAsync(topic, "", { retain: true, qos: 1 });
  await ha?.endAsync();
  await f?.stop();
});

describe("Home Assistant MQTT discovery", () => {
  const id = (): string => `hub_${f.base}`.toLowerCase().replace(/[^a-z0-9]+/g, "_");

  it("publishes one retained config per entity, with unique ids, default_entity_id, device, origin and availability", async () => {
    const hubId = id();
    const expected = [
      `sensor/${hubId}_alice_stress_score`,
      `sensor/${hubId}_alice_stress_level`,
      `binary_sensor/${hubId}_alice_episode_active`,
      `sensor/${hubId}_bob_stress_score`,
      `sensor/${hubId}_bob_stress_level`,
      `binary_sensor/${hubId}_bob_episode_active`,
      `switch/${hubId}_pause`,
      `select/${hubId}_mode`,
      `button/${hubId}_calm_now_living_room`,
      `button/${hubId}_calm_now_study`,
    ].map((t) => `${f.prefix}/${t}/config`);
    await waitFor(() => expected.every((t) => seen.has(t)), { what: "every config topic" });
    const configs = [...seen.keys()].filter((t) => t.endsWith("/config"));
    expect(configs.sort()).toEqual([...expected].sort());
    const uniqueIds = new Set<unknown>();
    for (const topic of expected) {
      expect(seen.get(topic)?.retain, topic).toBe(true);
      const c = configOf(topic);
      const [component, objectId] = topic.slice(f.prefix.length + 1).split("/");
      expect(c.unique_id).toBe(objectId);
      uniqueIds.add(c.unique_id);
      expect(c.default_entity_id).toBe(`${component}.${objectId}`);
      expect(c).not.toHaveProperty("object_id");
      expect(c.availability).toEqual([
        { topic: `${f.base}/hub/status`, payload_available: "online", payload_not_available: "offline" },
      ]);
      expect(c.device).toMatchObject({
        identifiers: [hubId],
        name: "Calm Hub",
        manufacturer: expect.any(String),
        model: expect.any(String),
        sw_version: expect.any(String),
      });
      expect(c.origin).toMatchObject({ name: "calm-hub", sw_version: expect.any(String) });
      expect(typeof c.name).toBe("string");
    }
    expect(uniqueIds.size).toBe(expected.length);
  });

  it("describes each entity for its platform", () => {
    const hubId = id();
    const score = configOf(`${f.prefix}/sensor/${hubId}_alice_stress_score/config`);
    expect(score).toMatchObject({
      state_topic: `${f.base}/alice/state`,
      value_template: "{{ value_json.score }}",
      unit_of_measurement: "%",
      state_class: "measurement",
    });
    const level = configOf(`${f.prefix}/sensor/${hubId}_alice_stress_level/config`);
    expect(level).toMatchObject({
      device_class: "enum",
      options: ["calm", "elevated", "high"],
      value_template: "{{ value_json.level }}",
    });
    const episode = configOf(`${f.prefix}/binary_sensor/${hubId}_alice_episode_active/config`);
    expect(episode).toMatchObject({
      state_topic: `${f.base}/alice/episode`,
      payload_on: "ON",
      payload_off: "OFF",
    });
    const pause = configOf(`${f.prefix}/switch/${hubId}_pause/config`);
    expect(pause).toMatchObject({
      state_topic: `${f.base}/hub/pause`,
      command_topic: `${f.base}/hub/pause/set`,
      payload_on: "ON",
      payload_off: "OFF",
    });
    const mode = configOf(`${f.prefix}/select/${hubId}_mode/config`);
    expect(mode).toMatchObject({
      options: ["normal", "guests", "away", "sleep"],
      state_topic: `${f.base}/hub/mode`,
      command_topic: `${f.base}/hub/mode/set`,
    });
    const button = configOf(`${f.prefix}/button/${hubId}_calm_now_living_room/config`);
    expect(button).toMatchObject({
      name: "Calm now: Living room",
      command_topic: `${f.base}/hub/calm_now/living_room/press`,
      payload_press: "PRESS",
    });
  });

  it("publishes availability and the hub's states retained", async () => {
    await waitFor(() => seen.get(`${f.base}/hub/status`)?.payload === "online", { what: "online" });
    expect(seen.get(`${f.base}/hub/status`)?.retain).toBe(true);
    expect(seen.get(`${f.base}/hub/pause`)).toEqual({ payload: "OFF", retain: true });
    expect(seen.get(`${f.base}/hub/mode`)).toEqual({ payload: "normal", retain: true });
    expect(seen.get(`${f.base}/alice/episode`)).toEqual({ payload: "OFF", retain: true });
  });

  it("re-publishes every config when Home Assistant announces itself online", async () => {
    const configTopics = [...seen.keys()].filter((t) => t.endsWith("/config"));
    history.length = 0;
    await ha.publishAsync(`${f.prefix}/status`, "offline", { qos: 1 });
    await sleep(200);
    expect(history.filter((m) => m.topic.endsWith("/config"))).toEqual([]);
    await ha.publishAsync(`${f.prefix}/status`, "online", { qos: 1 });
    await waitFor(() => configTopics.every((t) => history.some((m) => m.topic === t)), {
      what: "the configs again",
    });
    expect(history.filter((m) => m.topic.endsWith("/config"))).toHaveLength(configTopics.length);
  });

  it("the pause switch pauses the hub and reports its state", async () => {
    await ha.publishAsync(`${f.base}/hub/pause/set`, "ON", { qos: 1 });
    await waitFor(() => f.hub.controls.paused, { what: "paused" });
    await waitFor(() => seen.get(`${f.base}/hub/pause`)?.payload === "ON", { what: "state ON" });
    expect(f.hub.controls.state.changed_by).toBe("home_assistant");
    await ha.publishAsync(`${f.base}/hub/pause/set`, "OFF", { qos: 1 });
    await waitFor(() => !f.hub.controls.paused && seen.get(`${f.base}/hub/pause`)?.payload === "OFF", {
      what: "resumed",
    });
  });

  it("the mode select sets the mode; an unknown option is ignored", async () => {
    await ha.publishAsync(`${f.base}/hub/mode/set`, "party", { qos: 1 });
    await ha.publishAsync(`${f.base}/hub/mode/set`, "away", { qos: 1 });
    await waitFor(
      () => f.hub.controls.mode === "away" && seen.get(`${f.base}/hub/mode`)?.payload === "away",
      { what: "away" },
    );
    expect(history.some((m) => m.topic === `${f.base}/hub/mode` && m.payload === "party")).toBe(false);
  });

  it("the calm now button asks the hub to calm that room", async () => {
    const rooms: string[] = [];
    f.hub.events.on("episode", (e, phase) => {
      if (phase === "started") rooms.push(e.room);
    });
    // The unknown room first: the broker keeps one client's order, so once study's episode has started the
    // attic press has been handled too.
    await ha.publishAsync(`${f.base}/hub/calm_now/attic/press`, "PRESS", { qos: 1 });
    await ha.publishAsync(`${f.base}/hub/calm_now/study/press`, "PRESS", { qos: 1 });
    await waitFor(() => rooms.length > 0, { what: "a calm episode in the study" });
    expect(rooms).toEqual(["study"]);
    // Commands and Home Assistant's status are not wearable readings.
    expect(f.hub.ingest.counters.rejected.unknown_topic).toBeUndefined();
  });

  it("the episode binary sensor follows episodes", async () => {
    const e = await f.episodes.start("alice", "Living room", "test");
    await waitFor(() => seen.get(`${f.base}/alice/episode`)?.payload === "ON", { what: "ON" });
    // Retained: a Home Assistant that subscribes now (after a restart) gets it at once.
    const late = await connectClient(f.broker.url, `late_${f.base}`);
    const first = new Promise<{ payload: string; retain: boolean }>((resolve) =>
      late.on("message", (_t, payload, packet) =>
        resolve({ payload: payload.toString(), retain: packet.retain }),
      ),
    );
    await late.subscribeAsync(`${f.base}/alice/episode`, { qos: 1 });
    expect(await first).toEqual({ payload: "ON", retain: true });
    await late.endAsync();
    await f.episodes.stopEpisode(e.id);
    await waitFor(() => seen.get(`${f.base}/alice/episode`)?.payload === "OFF", { what: "OFF" });
  });
});

describe("HubControls", () => {
  it("survive a restart through the store", () => {
    const dir = mkdtempSync(join(tmpdir(), "calm-controls-"));
    try {
      const store = new Store(dir);
      store.open();
      const a = new HubControls();
      a.load(store);
      const changes: boolean[] = [];
      a.onChange((s) => changes.push(s.paused));
      a.setPaused(true, "api");
      a.setPaused(true, "api");
      a.setMode("sleep", "api");
      expect(changes).toEqual([true, true]);
      const b = new HubControls();
      b.load(store);
      expect(b.state).toMatchObject({ paused: true, mode: "sleep", changed_by: "api" });
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
