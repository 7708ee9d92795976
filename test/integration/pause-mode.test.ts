// Pause and mode, enforced in the action runner. Actors: wearable (MQTT client), broker (aedes), hub (fake clock
// the test moves), ha (the simulator, where lights and speakers change as the hub calls them), and a person
// (the API's run route, the calm-now button).
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { type PolicyState, policyRefusal } from "../../hub/actions/index.js";
import { FakeClock } from "../../hub/core/index.js";
import type { Hub } from "../../hub/hub.js";
import type { PlannedAction } from "../../hub/rules/index.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { API_TOKEN, connectWearable, startTestHub } from "../support/hub.js";
import { passTime, waitFor } from "../support/wait-for.js";

const HOME = `
rooms:
  living_room:
    lights: [light.living_room]
    media_player: media_player.living_room
    people: [alice]
    max_volume: 0.4
people:
  alice: { room: living_room }
episodes:
  brightness_pct: 30
  soundscape: rain
  volume: 0.3
  volume_step: 0.1
  volume_step_s: 2
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
async function start(): Promise<Hub> {
  const h = await startTestHub({
    mqttUrl: broker.url,
    base: `${broker.base}pm${seq++}`,
    haUrl: sim.url,
    haToken: sim.token,
    clock,
    yaml: HOME,
  });
  hub = h;
  await waitFor(() => h.ha.state === "online" && h.ha.getEntity("light.living_room"), {
    what: "HA entities",
  });
  return h;
}

async function reading(h: Hub, stress: number): Promise<void> {
  const before = h.ingest.counters.accepted;
  await wearable.publishAsync(
    `${h.config.mqtt.base_topic}/alice/wearable`,
    JSON.stringify({ ts: clock.now(), stress }),
    { qos: 1 },
  );
  await waitFor(() => h.ingest.counters.accepted > before, { what: "reading processed" });
}

const logged = (h: Hub, match: (e: { rule_id: string; result: string; key: string }) => boolean) =>
  h.store.actions.recent(100, undefined, true).find(match);
const lightCalls = () => sim.calls.filter((c) => c.entityIds.includes("light.living_room"));
const mediaCalls = () => sim.calls.filter((c) => c.domain === "media_player");

describe("pause and mode in the action runner", () => {
  it("while paused a rule's action is held back and logged, and a person's requests still act", async () => {
    const h = await start();
    h.controls.setPaused(true, "api");
    await reading(h, 92);
    // Claimed first (pending), then decided: wait for the decision, not the claim.
    const held = await waitFor(
      () => logged(h, (e) => e.rule_id === "calm-episode" && e.result !== "pending"),
      {
        what: "the rule's action decided in the log",
      },
    );
    expect(held).toMatchObject({ result: "refused", detail: "automation is paused" });
    expect(h.episodes.activeEpisodes()).toHaveLength(0);
    expect(lightCalls()).toHaveLength(0);

    // The API's run route is a person's request (scripts, Node-RED's calm-action node).
    const res = await h.api?.inject({
      method: "POST",
      url: "/api/actions/run",
      headers: { authorization: `Bearer ${API_TOKEN}` },
      payload: {
        action: "light.turn_on",
        target: { entity_id: "light.living_room" },
        data: { brightness: 90 },
      },
    });
    expect(res?.json()).toMatchObject({ result: "ok" });
    expect(sim.getState("light.living_room")?.attributes.brightness).toBe(90);

    // So is the calm-now button: the episode starts and dims the light, sound included.
    await h.calmNow("living_room");
    await waitFor(() => sim.getState("media_player.living_room")?.state === "playing", {
      what: "soundscape of the requested episode",
    });
    expect(Number(sim.getState("light.living_room")?.attributes.brightness)).toBeLessThanOrEqual(78);
  });

  it("pausing during an automatic episode stops its volume ramp, and the room is still given back", async () => {
    const h = await start();
    await reading(h, 92);
    await waitFor(() => sim.getState("media_player.living_room")?.state === "playing", {
      what: "the rule's episode",
    });
    expect(sim.getState("media_player.living_room")?.attributes.volume_level).toBe(0.1);
    h.controls.setPaused(true, "home_assistant");
    await passTime(clock, 2_500, 500);
    const step = await waitFor(() => logged(h, (e) => e.key.includes(":ramp-0:") && e.result !== "pending"), {
      what: "the first ramp step in the log",
    });
    expect(step.result).toBe("refused");
    expect(sim.getState("media_player.living_room")?.attributes.volume_level).toBe(0.1);

    // The Stop button: the restore runs although automation is paused.
    await h.episodes.stopEpisode({ person: "alice" });
    await waitFor(() => sim.getState("light.living_room")?.attributes.brightness === 200, {
      what: "the light given back",
    });
    const restore = await waitFor(
      () => logged(h, (e) => e.key.includes(":restore:") && e.result !== "pending"),
      {
        what: "the restore decided in the log",
      },
    );
    expect(restore.result).toBe("ok");
  });

  it("guests: an automatic episode eases the light but plays no sound", async () => {
    const h = await start();
    h.controls.setMode("guests", "api");
    await reading(h, 92);
    await waitFor(() => Number(sim.getState("light.living_room")?.attributes.brightness) <= 78, {
      what: "the light eased",
    });
    const sound = await waitFor(() => logged(h, (e) => e.key.includes(":start:") && e.result === "refused"), {
      what: "the sound held back",
    });
    expect(sound).toMatchObject({ call: { domain: "media_player" } });
    expect(mediaCalls()).toHaveLength(0);
  });

  it("away: the rule is held back; back to normal, the next high acts", async () => {
    const h = await start();
    h.controls.setMode("away", "home_assistant");
    await reading(h, 92);
    // Claimed first (pending), then decided: wait for the decision, not the claim.
    const held = await waitFor(
      () => logged(h, (e) => e.rule_id === "calm-episode" && e.result !== "pending"),
      {
        what: "the rule's action decided in the log",
      },
    );
    expect(held.result).toBe("refused");
    expect(lightCalls()).toHaveLength(0);

    h.controls.setMode("normal", "home_assistant");
    for (let i = 0; i < 20 && h.detector.state("alice")?.level !== "calm"; i++) {
      clock.advance(30_000);
      await reading(h, 10);
    }
    clock.advance(30_000);
    await reading(h, 95);
    await waitFor(() => lightCalls().length > 0, { what: "the episode after the mode changed back" });
  });
});

describe("keys made in one millisecond", () => {
  it("two soundscape requests at the same instant are two actions, and both settle", async () => {
    const h = await start();
    const [a, b] = await Promise.all([
      h.episodes.playSoundscape("living_room", "rain"),
      h.episodes.playSoundscape("living_room", "rain"),
    ]);
    expect([a.ok, b.ok]).toEqual([true, true]);
    const sound = h.store.actions
      .recent(100, undefined, true)
      .filter((e) => e.key.startsWith("sound:") && e.call.service === "play_media");
    expect(sound.map((e) => e.result)).toEqual(["ok", "ok"]);
    expect(new Set(sound.map((e) => e.key)).size).toBe(2);
  });
});

describe("policyRefusal", () => {
  const action = (call: string, origin?: PlannedAction["origin"]): PlannedAction => {
    const [domain = "", service = ""] = call.split(".");
    return {
      key: "k",
      rule_id: "r",
      person: "alice",
      domain,
      service,
      created_at: 0,
      not_after: 1,
      ...(origin ? { origin } : {}),
      trigger: { score: 0, level: "calm", at: 0 },
    };
  };
  const allowed = (call: string, state: PolicyState, origin?: PlannedAction["origin"]) =>
    policyRefusal(action(call, origin), state) === undefined;
  const normal: PolicyState = { paused: false, mode: "normal" };

  it("holds back only automatic actions; a person's request and a restore always act", () => {
    for (const state of [
      { ...normal, paused: true },
      { paused: false, mode: "away" as const },
      { paused: false, mode: "sleep" as const },
    ]) {
      expect(allowed("light.turn_on", state)).toBe(false);
      expect(allowed("light.turn_on", state, "person")).toBe(true);
      expect(allowed("light.turn_on", state, "restore")).toBe(true);
    }
    expect(allowed("light.turn_on", normal)).toBe(true);
  });

  it("each mode has its effect", () => {
    const guests: PolicyState = { paused: false, mode: "guests" };
    expect(allowed("light.turn_on", guests)).toBe(true);
    expect(allowed("notify.mobile_app_alice_phone", guests)).toBe(false);
    expect(allowed("media_player.play_media", guests)).toBe(false);
    expect(allowed("calm.play_soundscape", guests)).toBe(false);
    expect(allowed("media_player.media_stop", guests)).toBe(true);

    const sleep: PolicyState = { paused: false, mode: "sleep" };
    expect(allowed("light.turn_off", sleep)).toBe(true);
    expect(allowed("media_player.media_stop", sleep)).toBe(true);
    expect(allowed("calm.end_episode", sleep)).toBe(true);
    expect(allowed("calm.start_episode", sleep)).toBe(false);
    expect(allowed("media_player.volume_set", sleep)).toBe(false);
    expect(allowed("notify.mobile_app_alice_phone", sleep)).toBe(false);

    const away: PolicyState = { paused: false, mode: "away" };
    expect(allowed("light.turn_off", away)).toBe(false);
  });
});
