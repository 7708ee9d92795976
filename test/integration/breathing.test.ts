// Actors: Assist (the HA simulator, matching sentences against the shipped package's own templates, then
// calm_hub_request → calm_hub_response), hub (a real Hub with a fake clock the test moves; its HaLink talks to
// the simulator through home-assistant-js-websocket), wearable (an MQTT client on the real broker), HTTP (the
// hub's API and event stream).
import { readFileSync } from "node:fs";
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { HaSimulator, type RecordedCall } from "../../devices/ha-sim/index.js";
import { halfBreathS } from "../../hub/breathing/index.js";
import { type BreathingEvent, FakeClock } from "../../hub/core/index.js";
import type { Hub } from "../../hub/hub.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { API_TOKEN, connectWearable, startTestHub } from "../support/hub.js";
import { passTime, waitFor } from "../support/wait-for.js";

const HOME = `
time_zone: Europe/Berlin
rooms:
  living_room:
    name: Living room
    lights: [light.living_room]
    media_player: media_player.living_room
    people: [alice]
  bedroom:
    name: Bedroom
    lights: [light.bedroom]
    media_player: media_player.bedroom
    bedroom: true
    people: [bob]
people:
  alice: { room: living_room }
  bob: { room: bedroom }
episodes:
  transition_s: 4
  calm_for_s: 600
breathing:
  target_bpm: 6
  breaths_per_step: 2
`;

const SENTENCES = (
  parse(readFileSync("config/homeassistant/calm_hub_voice.yaml", "utf8")) as {
    automation: { triggers: { command: string[] }[] }[];
  }
).automation[0]?.triggers[0]?.command as string[];

const SATELLITE = "dev_satellite_living_room";
const EVENING = Date.parse("2026-11-27T19:00:00+01:00");
const NIGHT = Date.parse("2026-11-27T23:30:00+01:00");

let broker: TestBroker;
let sim: HaSimulator;
let wearable: MqttClient;
let hub: Hub | undefined;
let clock: FakeClock;
let seq = 0;

beforeAll(async () => {
  broker = await startTestBroker();
  wearable = await connectWearable(broker.url);
});
beforeEach(async () => {
  sim = await HaSimulator.start();
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

async function start(at: number): Promise<{ h: Hub; events: BreathingEvent[] }> {
  clock = new FakeClock(at);
  const h = await startTestHub({
    mqttUrl: broker.url,
    base: `${broker.base}br${seq++}`,
    haUrl: sim.url,
    haToken: sim.token,
    clock,
    yaml: HOME,
  });
  hub = h;
  await waitFor(() => h.ha.state === "online" && h.ha.getEntity("light.living_room"), {
    what: "HA entities",
  });
  await waitFor(() => h.voice.vocabulary().rooms?.some((r) => r.id === "living_room"), {
    what: "registries",
  });
  const events: BreathingEvent[] = [];
  h.events.on("breathing", (e) => events.push(e));
  h.events.on("action", (o) => {
    if (o.action.key.startsWith("breathing:") && o.context_id) pacerContexts.add(o.context_id);
  });
  return { h, events };
}

async function reading(h: Hub, person: string, values: Record<string, number>): Promise<void> {
  const before = h.ingest.counters.accepted;
  await wearable.publishAsync(
    `${h.config.mqtt.base_topic}/${person}/wearable`,
    JSON.stringify({ ts: clock.now(), ...values }),
    { qos: 1 },
  );
  await waitFor(() => h.ingest.counters.accepted > before, { what: "reading processed" });
}

/** Contexts of the calls the guide made (the action runner reports each with Home Assistant's context). */
const pacerContexts = new Set<string>();
const pacerCalls = (entity: string): RecordedCall[] =>
  sim.calls.filter((c) => c.entityIds.includes(entity) && pacerContexts.has(c.contextId));

function say(text: string): Promise<Record<string, unknown> | null> {
  return sim.playAssistRequest({ text, device_id: SATELLITE, sentences: SENTENCES });
}

describe("the breathing guide against the simulator", () => {
  it("'help me breathe' paces the light with one call per half-breath, slowing from the person's own breathing", async () => {
    const { h, events } = await start(EVENING);
    await reading(h, "alice", { resp: 9, hr: 70 });

    const answer = await say("help me breathe");
    expect(answer?.speech).toBe(
      "Breathe with the light in the living room: in as it brightens, out as it dims. Say 'stop' when you're ready.",
    );
    expect(h.episodes.activeEpisodes()).toEqual([
      expect.objectContaining({ person: "alice", room: "living_room", reason: "breathing guide" }),
    ]);
    expect(events[0]).toMatchObject({ phase: "started", medium: "light", from_bpm: 9, target_bpm: 6 });

    // Alice follows the guide: each reading is the pace she was asked for.
    for (let i = 0; i < 20; i++) {
      await passTime(clock, 4_000, 500);
      await reading(h, "alice", { resp: h.breathing.paceOf("alice") ?? 6, hr: 68 });
    }
    const calls = pacerCalls("light.living_room");
    expect(calls.length).toBeGreaterThan(10);
    const levels = calls.map((c) => Number(c.service_data.brightness));
    const high = Math.max(...levels);
    const low = Math.min(...levels);
    expect(low).toBeLessThan(high);
    // Out, in, out, in: never twice the same way in a row, and each transition is the half-breath.
    expect(levels).toEqual(levels.map((_, i) => (i % 2 === 0 ? low : high)));
    // Paces from 9 down to 6 in quarter breaths; each call's transition is the half-breath of one of them.
    const halves = Array.from({ length: 13 }, (_, i) => halfBreathS(9 - i * 0.25));
    const transitions = calls.map((c) => Number(c.service_data.transition));
    for (const t of transitions) expect(halves).toContain(t);
    expect(transitions[0]).toBe(halfBreathS(9));
    // Only ever slower.
    expect(transitions).toEqual([...transitions].sort((a, b) => a - b));
    expect(transitions.at(-1)).toBeGreaterThan(transitions[0] ?? 0);
    // The dashboard sees the guide with its episode: "breathing guide: 9 → … breaths/min".
    const res = await fetch(`${h.apiUrl}/api/episodes?active=true`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    const [episode] = (await res.json()) as { breathing?: Record<string, unknown> }[];
    expect(episode?.breathing).toMatchObject({ state: "running", from_bpm: 9, following: true });
    expect(Number(episode?.breathing?.pace_bpm)).toBeLessThan(9);
  }, 30_000);

  it("starts from heart rate without respiration, and stops once the person is calm again", async () => {
    const { h, events } = await start(EVENING);
    await reading(h, "alice", { stress: 90, hr: 44 });
    const res = await fetch(`${h.apiUrl}/api/people/alice/breathe`, {
      method: "POST",
      headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { already_running: boolean; breathing: { from_bpm: number } };
    expect(body).toMatchObject({ already_running: false, breathing: { from_bpm: 11 } });
    for (let i = 0; i < 40 && !events.some((e) => e.phase === "stopped"); i++) {
      await passTime(clock, 10_000, 1_000);
      await reading(h, "alice", { stress: 10, hr: 42 });
    }
    expect(events.at(-1)).toMatchObject({ phase: "stopped", why: "calm again" });
    // The light goes back to its calm brightness; the episode itself goes on until its own end.
    const high = Math.max(...pacerCalls("light.living_room").map((c) => Number(c.service_data.brightness)));
    await waitFor(() => pacerCalls("light.living_room").at(-1)?.service_data.transition === 2, {
      what: "the light back at its calm brightness",
    });
    expect(pacerCalls("light.living_room").at(-1)?.service_data.brightness).toBe(high);
    expect(h.episodes.activeEpisodes()).toHaveLength(1);
    const count = pacerCalls("light.living_room").length;
    await passTime(clock, 30_000, 1_000);
    expect(pacerCalls("light.living_room")).toHaveLength(count);
  }, 60_000);

  it("stops at once when someone changes the light by hand, and the hub leaves that light alone", async () => {
    const { h, events } = await start(EVENING);
    await say("help me breathe");
    await passTime(clock, 20_000, 500);
    await waitFor(() => pacerCalls("light.living_room").length >= 4, { what: "pacer calls" });
    sim.changeByHand("light.living_room", { state: "on", attributes: { brightness: 255 } });
    await waitFor(() => events.some((e) => e.phase === "stopped"), { what: "guide stopped" });
    expect(events.at(-1)).toMatchObject({ phase: "stopped", why: "the light was changed by hand" });
    const count = pacerCalls("light.living_room").length;
    await passTime(clock, 30_000, 1_000);
    expect(pacerCalls("light.living_room")).toHaveLength(count);
    expect(sim.getState("light.living_room")?.attributes.brightness).toBe(255);
    // "stop" still ends the episode (the stop path of every episode).
    const stopped = await say("stop the breathing guide");
    expect(stopped?.speech).toBe("Okay. The living room is back to how you had it.");
    expect(h.episodes.activeEpisodes()).toHaveLength(0);
  }, 30_000);

  it("makes no call in a bedroom at night, by voice or through the API", async () => {
    // Bob's light is on, so there would be something to pace.
    sim.changeByHand("light.bedroom", { state: "on", attributes: { brightness: 150 } });
    const { h, events } = await start(NIGHT);
    sim.clearCalls();
    const answer = await say("help me breathe in the bedroom");
    expect(answer?.speech).toBe(
      "I won't change the bedroom at night. Breathe in slowly, and let the breath out even slower.",
    );
    const res = await fetch(`${h.apiUrl}/api/people/bob/breathe`, {
      method: "POST",
      headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ room: "bedroom" }),
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: "CALM_ERR_BREATHING_REFUSED" });
    await passTime(clock, 20_000, 1_000);
    expect(sim.calls.filter((c) => c.domain !== "notify")).toEqual([]);
    expect(h.episodes.activeEpisodes()).toEqual([]);
    expect(events).toEqual([]);
    // In the living room the same night, the guide runs (the bedroom rule is about the bedroom).
    expect((await say("help me breathe"))?.speech).toMatch(/^Breathe with the light in the living room/);
  }, 30_000);

  it("streams its progress on /api/stream with the guide's paces only", async () => {
    const { h } = await start(EVENING);
    await reading(h, "alice", { resp: 8, hr: 70, rmssd: 40 });
    await say("help me breathe");
    const res = await fetch(`${h.apiUrl}/api/stream?types=breathing`, {
      headers: { authorization: `Bearer ${API_TOKEN}`, "last-event-id": "0" },
    });
    const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (reader && !/event: breathing\n[^\n]*\ndata: .*\n/.test(text))
      text += (await reader.read()).value ?? "";
    await reader?.cancel();
    const data = JSON.parse(/data: (.*)\n/.exec(text)?.[1] ?? "{}") as Record<string, unknown>;
    expect(Object.keys(data).sort()).toEqual(
      [
        "episode_id",
        "following",
        "from_bpm",
        "medium",
        "pace_bpm",
        "person",
        "phase",
        "room",
        "target_bpm",
      ].sort(),
    );
    expect(data).toMatchObject({ person: "alice", phase: "started", from_bpm: 8 });
    expect(text).not.toMatch(/"hr"|"resp"|"rmssd"/);
  }, 30_000);
});
