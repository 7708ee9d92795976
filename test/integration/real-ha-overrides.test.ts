// What real Home Assistant does around the hub's calls, and what the hub must make of it. The simulator runs on
// the hub's fake clock, with its real-HA behaviours on: the hall light is a Zigbee bulb that reports a second
// after each fade (one off), the living-room speaker reports its position and titles on its own, contexts stick
// to an entity for 5 s only, restarts pass through `unavailable`.
// Actors: wearable-free (episodes are started through the manager), broker (aedes or MQTT_TEST_URL), hub,
// ha (the simulator), a household automation in HA, the resident using the HA app.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator, type HaSimulatorOptions } from "../../devices/ha-sim/index.js";
import { FakeClock } from "../../hub/core/index.js";
import type { Hub } from "../../hub/hub.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { type CapturedLog, captureLog } from "../support/capture-log.js";
import { startTestHub } from "../support/hub.js";
import { passTime, waitFor } from "../support/wait-for.js";

const HOME = `
rooms:
  living_room:
    lights: [light.living_room, light.hall]
    media_player: media_player.living_room
    people: [alice]
    max_volume: 0.4
people:
  alice: { room: living_room }
episodes:
  brightness_pct: 30
  color_temp_kelvin: 2400
  transition_s: 10
  soundscape: rain
  volume: 0.4
  volume_step: 0.1
  volume_step_s: 10
  calm_for_s: 60
  max_duration_min: 60
`;

let broker: TestBroker;
let sim: HaSimulator;
let hub: Hub | undefined;
let clock: FakeClock;
let seq = 0;

beforeAll(async () => {
  broker = await startTestBroker();
});
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
  await sim.stop();
});
afterAll(async () => {
  await broker.stop();
});

async function start(options: HaSimulatorOptions = {}, log?: CapturedLog, yaml = HOME): Promise<Hub> {
  clock = new FakeClock(Date.parse("2026-11-27T18:00:00+01:00"));
  sim = await HaSimulator.start({ clock, ...options });
  const h = await startTestHub({
    mqttUrl: broker.url,
    base: `${broker.base}realha${seq++}`,
    haUrl: sim.url,
    haToken: sim.token,
    clock,
    yaml,
    ...(log ? { logger: log.logger } : {}),
  });
  hub = h;
  await waitFor(() => h.ha.state === "online" && h.ha.getEntity("light.hall"), { what: "HA entities" });
  return h;
}

const pass = (ms: number, stepMs = 500): Promise<void> => passTime(clock, ms, stepMs);

const state = (id: string) => sim.getState(id);
const overridden = (h: Hub) => h.episodes.activeEpisodes()[0]?.overridden ?? [];

async function calm(h: Hub): Promise<void> {
  const r = await h.episodes.startEpisode({ person: "alice", room: "living_room", reason: "test" });
  expect(r.ok).toBe(true);
  await waitFor(() => state("media_player.living_room")?.state === "playing", { what: "soundscape" });
}

async function endAndExpectRoomBack(h: Hub): Promise<void> {
  await h.episodes.stopEpisode({ person: "alice" });
  await pass(2_000);
  await waitFor(() => state("light.living_room")?.attributes.brightness === 200, {
    what: "living room back",
  });
  await waitFor(() => Math.abs(Number(state("light.hall")?.attributes.brightness) - 120) <= 1, {
    what: "hall back",
  });
  expect(h.episodes.history("alice")[0]?.overridden).toEqual([]);
}

describe("override detection against real Home Assistant behaviour", () => {
  it("gives the room back although the Zigbee hall light reported its fade a second late, one off, with a fresh context", async () => {
    const h = await start();
    await calm(h);
    await pass(12_000); // the 10 s fade, then the echo 1 s later: HA no longer carries the hub's context
    const echo = state("light.hall");
    expect(echo?.attributes.brightness).toBe(77); // commanded 76 (30 %), the bulb says 77
    expect(echo?.context.user_id).toBeNull();
    expect(sim.calls.some((c) => c.contextId === echo?.context.id)).toBe(false);
    expect(overridden(h)).toEqual([]);
    await endAndExpectRoomBack(h);
  });

  it("counts an HA automation reacting to the hub's change (child context) as the hub's, not a hand", async () => {
    const h = await start({
      automations: [
        {
          // "When music plays in the living room, dim the hall": it reacts to the hub's play_media.
          id: "dim_hall_for_music",
          trigger: { entity_id: "media_player.living_room", to: "playing" },
          action: {
            domain: "light",
            service: "turn_on",
            target: { entity_id: "light.hall" },
            data: { brightness: 40 },
          },
        },
      ],
    });
    await calm(h);
    await waitFor(() => sim.automationRuns.length > 0 && state("light.hall")?.attributes.brightness === 40, {
      what: "automation ran",
    });
    expect(state("light.hall")?.context.parent_id).not.toBeNull();
    await pass(15_000); // the hall bulb's own late echo of the automation's value as well
    expect(overridden(h)).toEqual([]);
    await endAndExpectRoomBack(h);
  });

  it("treats a change by the resident whose account the token is of as a hand (same user, another context)", async () => {
    const h = await start();
    await calm(h);
    await pass(2_000);
    sim.changeByHand("light.hall", { state: "on", attributes: { brightness: 230 } }, { userId: sim.userId });
    await waitFor(() => overridden(h).includes("light.hall"), { what: "override noticed" });
    const callsBefore = sim.calls.length;
    await h.episodes.stopEpisode({ person: "alice" });
    await pass(2_000);
    await waitFor(() => state("light.living_room")?.attributes.brightness === 200, {
      what: "living room back",
    });
    expect(state("light.hall")?.attributes.brightness).toBe(230);
    expect(sim.calls.slice(callsBefore).some((c) => c.entityIds.includes("light.hall"))).toBe(false);
  });

  it("keeps ramping the chatty speaker and stops the sound at the end: position and titles are no hand", async () => {
    const h = await start();
    await calm(h);
    await pass(35_000, 1_000); // ramp steps at 10, 20, 30 s; the speaker reports every 10 s with fresh contexts
    const player = state("media_player.living_room");
    expect(player?.attributes.media_title).toMatch(/part/);
    const reports = sim.events.filter(
      (e) =>
        e.event_type === "state_changed" &&
        e.data.entity_id === "media_player.living_room" &&
        e.context.user_id === null &&
        !sim.calls.some((c) => c.contextId === e.context.id),
    );
    expect(reports.length).toBeGreaterThanOrEqual(3);
    expect(player?.attributes.volume_level).toBe(0.4);
    expect(overridden(h)).toEqual([]);
    await h.episodes.stopEpisode({ person: "alice" });
    await pass(60_000, 1_000);
    await waitFor(() => state("media_player.living_room")?.state !== "playing", { what: "sound stopped" });
    expect(state("media_player.living_room")?.attributes.volume_level).toBe(0.3);
  });

  it("waits through an HA restart (entities unavailable, then back with fresh contexts) and resumes", async () => {
    const h = await start();
    await calm(h);
    await pass(12_000);
    const seen: string[] = [];
    h.ha.onEntities((_all, changed) => {
      for (const e of changed) if (e.entity_id === "light.living_room") seen.push(e.state);
    });
    await sim.restart({ startingMs: 1_500 });
    await waitFor(() => h.ha.state === "online" && h.ha.getEntity("light.living_room")?.state === "on", {
      what: "back after restart",
      timeoutMs: 10_000,
    });
    expect(seen).toContain("unavailable");
    expect(overridden(h)).toEqual([]);
    // The episode carries on: the ramp goes on after the restart.
    await pass(25_000, 1_000);
    await waitFor(() => state("media_player.living_room")?.attributes.volume_level === 0.4, {
      what: "ramp resumed",
    });
    expect(overridden(h)).toEqual([]);
    await endAndExpectRoomBack(h);
  });

  it("warns once, naming the fix, when the token's user is a person of the home", async () => {
    const log = captureLog("info");
    const h = await start(
      {
        entities: [
          {
            entity_id: "person.alice",
            state: "home",
            attributes: { id: "alice", friendly_name: "Alice", user_id: "5f1a7c0e9b2d4e6fa8c3b1d0e2f4a6c8" },
          },
          { entity_id: "light.hall", state: "off", attributes: { supported_color_modes: ["brightness"] } },
        ],
      },
      log,
    );
    expect(sim.userId).toBe("5f1a7c0e9b2d4e6fa8c3b1d0e2f4a6c8");
    await waitFor(() => log.lines().some((l) => l.level === 40 && String(l.msg).includes("person.alice")), {
      what: "warning",
    });
    sim.setState("light.hall", "on", { supported_color_modes: ["brightness"], brightness: 10 });
    await waitFor(() => h.ha.getEntity("light.hall")?.state === "on");
    const warnings = log.lines().filter((l) => l.level === 40 && String(l.msg).includes("Calm Hub"));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.msg)).toMatch(/dedicated "Calm Hub" user/);
  });

  it("keeps a wind-down going over the Zigbee light's late echoes, and pauses it for the resident's own change", async () => {
    const h = await start(
      {},
      undefined,
      `
location: { latitude: 52.52, longitude: 13.405, time_zone: Europe/Berlin }
rooms:
  hall: { lights: [light.hall] }
wind_down:
  - rooms: [hall]
    start: { bedtime: "23:00" }
    duration_min: 40
    night: { brightness_pct: 10, color_temp_kelvin: 2200 }
    steps: { interval_min: 10 }
`,
    );
    const phases: string[] = [];
    h.events.on("wind_down", (e) => phases.push(e.phase));
    expect((await h.windDown.startNow("hall")).ok).toBe(true);
    await pass(25 * 60_000, 15_000); // steps with 60 s fades, each echoed a second later, one off
    const steps = sim.calls.filter((c) => c.entityIds.includes("light.hall")).length;
    expect(steps).toBeGreaterThanOrEqual(3);
    expect(state("light.hall")?.context.user_id).toBeNull(); // the last word was the bulb's echo
    expect(phases).not.toContain("paused");
    sim.changeByHand("light.hall", { state: "on", attributes: { brightness: 200 } }, { userId: sim.userId });
    await waitFor(() => phases.includes("paused"), { what: "wind-down paused" });
    await pass(20 * 60_000, 30_000);
    expect(sim.calls.filter((c) => c.entityIds.includes("light.hall")).length).toBe(steps);
    expect(state("light.hall")?.attributes.brightness).toBe(200);
  });
});
