// Actors: wearable (MQTT client), broker (aedes or MQTT_TEST_URL), hub (with a fake clock that the test
// moves), ha (the simulator, where lights and speakers change state as the hub calls them).
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { FakeClock } from "../../hub/core/index.js";
import type { Hub } from "../../hub/hub.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { connectWearable, startTestHub, tempDir } from "../support/hub.js";
import { passTime, sleep, waitFor } from "../support/wait-for.js";

const HOME = `
rooms:
  living_room:
    lights: [light.living_room, light.hall]
    media_player: media_player.living_room
    people: [alice]
    max_volume: 0.4
    night_max_volume: 0.2
  bedroom:
    lights: [light.bedroom]
    media_player: media_player.bedroom
    bedroom: true
    people: [bob]
people:
  alice: { room: living_room }
  bob: { room: bedroom }
episodes:
  brightness_pct: 30
  color_temp_kelvin: 2400
  transition_s: 10
  soundscape: rain
  volume: VOLUME
  volume_step: 0.1
  volume_step_s: 2
  calm_for_s: 60
  max_duration_min: 20
rules:
  - { id: calm-episode, trigger: { type: level, to: high }, cooldown_s: 0, ttl_s: 30, actions: [{ action: calm.start_episode }] }
`;

let broker: TestBroker;
let sim: HaSimulator;
let wearable: MqttClient;
let hub: Hub | undefined;
let clock: FakeClock;
const EVENING = Date.parse("2026-11-27T19:00:00+01:00");

beforeAll(async () => {
  broker = await startTestBroker();
  wearable = await connectWearable(broker.url);
});
beforeEach(async () => {
  sim = await HaSimulator.start();
  clock = new FakeClock(EVENING);
});
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
  await sim.stop();
});
afterAll(async () => {
  await wearable.endAsync();
  await broker.stop();
});

let seq = 0;
async function start(opts: { volume?: number; dataDir?: string; base?: string } = {}): Promise<Hub> {
  const h = await startTestHub({
    mqttUrl: broker.url,
    base: opts.base ?? `${broker.base}ep${seq++}`,
    haUrl: sim.url,
    haToken: sim.token,
    clock,
    yaml: HOME.replace("VOLUME", String(opts.volume ?? 0.3)),
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
  });
  await waitFor(() => h.ha.state === "online" && h.ha.getEntity("light.living_room"), {
    what: "HA entities",
  });
  hub = h;
  return h;
}

async function reading(h: Hub, person: string, stress: number): Promise<void> {
  const before = h.ingest.counters.accepted;
  await wearable.publishAsync(
    `${h.config.mqtt.base_topic}/${person}/wearable`,
    JSON.stringify({ ts: clock.now(), stress }),
    { qos: 1 },
  );
  await waitFor(() => h.ingest.counters.accepted > before, { what: "reading processed" });
}

const pass = (ms: number, stepMs = 1_000): Promise<void> => passTime(clock, ms, stepMs);

const light = (id: string) => sim.getState(id);

describe("calm episodes against the simulator", () => {
  it("dims, plays with a volume ramp, and gives the room back exactly as it was once calm", async () => {
    const h = await start();
    const before = {
      lr: light("light.living_room"),
      hall: light("light.hall"),
      player: light("media_player.living_room"),
    };
    expect(before.lr?.attributes.brightness).toBe(200);

    await reading(h, "alice", 92);
    await waitFor(() => sim.getState("media_player.living_room")?.state === "playing", {
      what: "soundscape",
    });
    const episode = h.episodes.activeEpisodes()[0];
    expect(episode).toMatchObject({
      person: "alice",
      room: "living_room",
      state: "active",
      soundscape: "rain",
    });
    const lr = light("light.living_room");
    expect(lr?.state).toBe("on");
    expect(Number(lr?.attributes.brightness)).toBeLessThanOrEqual(Math.round(255 * 0.3) + 1);
    expect(lr?.attributes.color_temp_kelvin).toBe(2400);
    const dim = sim.calls.find((c) => c.service === "turn_on" && c.entityIds.includes("light.living_room"));
    expect(dim?.service_data.transition).toBe(10);
    expect(sim.getState("media_player.living_room")?.attributes.media_content_id).toContain("rain");
    expect(sim.getState("media_player.living_room")?.attributes.volume_level).toBe(0.1);

    await pass(6_000);
    await waitFor(() => sim.getState("media_player.living_room")?.attributes.volume_level === 0.3, {
      what: "ramp to 0.3",
    });

    // Stress falls; after the detector settles on calm and 60 s of calm, the room is given back.
    for (let i = 0; i < 40 && h.episodes.activeEpisodes().length > 0; i++) {
      await pass(10_000, 2_000);
      await reading(h, "alice", 10);
    }
    await waitFor(() => h.episodes.activeEpisodes().length === 0, { what: "episode ended" });
    await waitFor(() => light("light.living_room")?.attributes.brightness === 200, { what: "restore" });
    expect(light("light.living_room")?.attributes.color_temp_kelvin).toBe(3000);
    expect(light("light.hall")?.attributes).toMatchObject({ brightness: 120, color_temp_kelvin: 2700 });
    // The sound fades out step by step, then stops with the old volume back.
    await pass(20_000);
    await waitFor(() => sim.getState("media_player.living_room")?.state !== "playing", {
      what: "sound stopped",
    });
    expect(sim.getState("media_player.living_room")?.attributes.volume_level).toBe(
      before.player?.attributes.volume_level,
    );
    const volumes = sim.calls
      .filter((c) => c.service === "volume_set")
      .map((c) => Number(c.service_data.volume_level));
    expect(volumes.slice(-3)).toEqual([0.2, 0.1, before.player?.attributes.volume_level]);
    const record = h.episodes.history("alice")[0];
    expect(record?.end_reason).toBe("calm");
    expect(h.episodes.outcomes("alice")[0]).toMatchObject({
      stress_before: 92,
      end_reason: "calm",
      soundscape: "rain",
      overridden: [],
    });
  });

  it("leaves a light alone after someone changes it by hand, and does not restore it", async () => {
    const h = await start();
    await reading(h, "alice", 90);
    await waitFor(() => h.episodes.activeEpisodes().length === 1);
    await waitFor(() => Number(light("light.hall")?.attributes.brightness) < 120, { what: "hall dimmed" });
    sim.changeByHand("light.hall", { attributes: { brightness: 255 } });
    await waitFor(() => h.episodes.activeEpisodes()[0]?.overridden.includes("light.hall"), {
      what: "override noticed",
    });
    const callsBefore = sim.calls.length;
    await h.episodes.stopEpisode({ person: "alice" });
    await waitFor(() => light("light.living_room")?.attributes.brightness === 200, {
      what: "living room restored",
    });
    expect(light("light.hall")?.attributes.brightness).toBe(255);
    expect(sim.calls.slice(callsBefore).some((c) => c.entityIds.includes("light.hall"))).toBe(false);
    expect(h.episodes.history("alice")[0]?.overridden).toEqual(["light.hall"]);
  });

  it("resumes an episode after a hub restart, and restores one that ran out while the hub was down", async () => {
    const dataDir = tempDir();
    const base = `${broker.base}restart${seq++}`;
    const first = await start({ dataDir, base });
    await reading(first, "alice", 90);
    await waitFor(() => first.episodes.activeEpisodes().length === 1);
    await waitFor(() => Number(light("light.living_room")?.attributes.brightness) < 200);
    await first.stop();
    hub = undefined;

    const second = await start({ dataDir, base });
    expect(second.episodes.activeEpisodes()).toHaveLength(1);
    await second.stop();
    hub = undefined;

    clock.advance(25 * 60_000); // past max_duration_min while the hub is down
    const third = await start({ dataDir, base });
    await waitFor(() => light("light.living_room")?.attributes.brightness === 200, {
      what: "restored after expiry",
    });
    expect(third.episodes.activeEpisodes()).toHaveLength(0);
    expect(third.episodes.history("alice")[0]?.end_reason).toBe("expired");
  });

  it("loses nothing when Home Assistant restarts mid-episode (the snapshot is the hub's, not a scene)", async () => {
    const h = await start();
    await reading(h, "alice", 90);
    await waitFor(() => Number(light("light.living_room")?.attributes.brightness) < 200);
    await sim.restart({ startingMs: 100 });
    await waitFor(() => h.ha.state === "online" && sim.connectionCount > 0, {
      what: "reconnected",
      timeoutMs: 10_000,
    });
    await sleep(200);
    await h.episodes.stopEpisode({ person: "alice" });
    await waitFor(() => light("light.living_room")?.attributes.brightness === 200, {
      what: "restored after HA restart",
    });
    expect(light("light.living_room")?.attributes.color_temp_kelvin).toBe(3000);
  });

  it("never exceeds the room's volume cap, whatever the rule asks for", async () => {
    const h = await start({ volume: 0.9 });
    await reading(h, "alice", 95);
    await pass(20_000);
    await waitFor(() => sim.getState("media_player.living_room")?.attributes.volume_level === 0.4, {
      what: "ramp to the cap",
    });
    const volumes = sim.calls
      .filter((c) => c.service === "volume_set")
      .map((c) => Number(c.service_data.volume_level));
    expect(Math.max(...volumes)).toBe(0.4);
  });

  it("plays nothing in a bedroom at night, but still eases the light", async () => {
    clock = new FakeClock(Date.parse("2026-11-27T23:30:00+01:00"));
    const h = await start();
    sim.setState("light.bedroom", "on", {
      ...sim.getState("light.bedroom")?.attributes,
      brightness: 180,
      color_mode: "color_temp",
      color_temp_kelvin: 2700,
    });
    await waitFor(() => h.ha.getEntity("light.bedroom")?.state === "on");
    await reading(h, "bob", 95);
    await waitFor(() => h.episodes.activeEpisodes().length === 1);
    await waitFor(() => Number(light("light.bedroom")?.attributes.brightness) <= Math.round(255 * 0.15) + 1, {
      what: "night brightness",
    });
    await pass(10_000);
    expect(sim.calls.some((c) => c.domain === "media_player")).toBe(false);
    expect(h.episodes.activeEpisodes()[0]?.soundscape).toBeNull();
  });

  it("lets one episode own a room: a second person's request is declined with the reason", async () => {
    const h = await start();
    const first = await h.episodes.startEpisode({ person: "alice", room: "living_room", reason: "test" });
    expect(first.ok).toBe(true);
    const second = await h.episodes.startEpisode({ person: "bob", room: "living_room", reason: "test" });
    expect(second).toEqual({ ok: false, reason: "the living room is already calming down for alice" });
    const again = await h.episodes.startEpisode({ person: "alice", room: "living_room", reason: "test" });
    expect(again).toMatchObject({ ok: true, already_running: true });
  });
});

describe("giving the room back exactly (issue #17)", () => {
  it("fades the sound out from where the speaker is, never louder than it was at 'stop'", async () => {
    const h = await start({ volume: 0.3 });
    await h.episodes.startEpisode({ person: "alice", reason: "test" });
    await waitFor(() => sim.getState("media_player.living_room")?.state === "playing", {
      what: "soundscape",
    });
    await waitFor(() => h.ha.getEntity("media_player.living_room")?.attributes.volume_level === 0.1, {
      what: "the hub sees the first ramp step",
    });
    // Stopped before the ramp went any further: the speaker is at 0.1 of a 0.3 target.
    const atStop = Number(sim.getState("media_player.living_room")?.attributes.volume_level);
    expect(atStop).toBe(0.1);
    const from = sim.calls.length;
    await h.episodes.stopEpisode({ person: "alice" });
    await pass(20_000);
    await waitFor(() => sim.getState("media_player.living_room")?.state !== "playing", {
      what: "sound stopped",
    });
    const after = sim.calls.slice(from).filter((c) => c.domain === "media_player");
    const stopAt = after.findIndex((c) => c.service === "media_stop");
    expect(stopAt).toBeGreaterThanOrEqual(0);
    const whilePlaying = after
      .slice(0, stopAt)
      .filter((c) => c.service === "volume_set")
      .map((c) => Number(c.service_data.volume_level));
    for (const v of whilePlaying) expect(v).toBeLessThanOrEqual(atStop);
    // Then the speaker gets its own volume back, after it stopped.
    expect(sim.getState("media_player.living_room")?.attributes.volume_level).toBe(0.3);
  });

  it("fades from the ramp's current step when stopped half-way up", async () => {
    const h = await start({ volume: 0.4 });
    await h.episodes.startEpisode({ person: "alice", reason: "test" });
    await pass(2_000);
    await waitFor(() => h.ha.getEntity("media_player.living_room")?.attributes.volume_level === 0.2, {
      what: "ramp at 0.2",
    });
    const from = sim.calls.length;
    await h.episodes.stopEpisode({ person: "alice" });
    await pass(20_000);
    await waitFor(() => sim.getState("media_player.living_room")?.state !== "playing", {
      what: "sound stopped",
    });
    const volumes = sim.calls
      .slice(from)
      .filter((c) => c.service === "volume_set")
      .map((c) => Number(c.service_data.volume_level));
    expect(volumes).toEqual([0.1, 0.3]);
  });

  it("never makes a light brighter: 60/255 stays 60, and the call carries brightness, not a percentage", async () => {
    sim.setState("light.living_room", "on", {
      ...sim.getState("light.living_room")?.attributes,
      brightness: 60,
    });
    const h = await start();
    await waitFor(() => h.ha.getEntity("light.living_room")?.attributes.brightness === 60);
    await h.episodes.startEpisode({ person: "alice", reason: "test" });
    const dim = await sim.waitForCall("light.turn_on");
    const lr = sim.calls.find((c) => c.service === "turn_on" && c.entityIds.includes("light.living_room"));
    expect(dim).toBeDefined();
    expect(lr?.service_data).toMatchObject({ brightness: 60 });
    expect(lr?.service_data).not.toHaveProperty("brightness_pct");
    await sleep(50);
    expect(light("light.living_room")?.attributes.brightness).toBe(60);
    // 30 % of 255 is 76.5: a brighter light goes to 76, never 77.
    const hall = sim.calls.find((c) => c.service === "turn_on" && c.entityIds.includes("light.hall"));
    expect(hall?.service_data).toMatchObject({ brightness: 76 });
  });

  it("sends each domain only its own services: the speaker never gets light.turn_off", async () => {
    const h = await start();
    await h.episodes.startEpisode({ person: "alice", reason: "test" });
    await waitFor(() => sim.getState("media_player.living_room")?.state === "playing", {
      what: "soundscape",
    });
    await h.episodes.stopEpisode({ person: "alice" });
    await pass(20_000);
    await waitFor(() => sim.getState("media_player.living_room")?.state !== "playing", {
      what: "sound stopped",
    });
    // And a per-person delete gives the room back the same way.
    await h.episodes.startEpisode({ person: "alice", reason: "test" });
    await waitFor(() => sim.getState("media_player.living_room")?.state === "playing", {
      what: "soundscape again",
    });
    h.episodes.forget("alice");
    await waitFor(() => sim.getState("media_player.living_room")?.state !== "playing", {
      what: "sound stopped after forget",
    });
    await sleep(100);
    const log = h.store.actions.recent(500, undefined, true);
    expect(log.length).toBeGreaterThan(0);
    for (const entry of log) {
      const target = (entry.call.target as { entity_id?: string | string[] } | undefined)?.entity_id;
      for (const id of Array.isArray(target) ? target : target ? [target] : [])
        expect(`${entry.call.domain}.${entry.call.service} on ${id}`).toMatch(
          new RegExp(`^${entry.call.domain}\\.[a-z_]+ on ${entry.call.domain}\\.`),
        );
    }
    for (const c of sim.calls)
      for (const id of c.entityIds)
        expect(id.startsWith(`${c.domain}.`), `${c.domain}.${c.service} ${id}`).toBe(true);
  });
});
