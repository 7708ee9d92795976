// Actors: Assist (the HA simulator playing the shipped automation: calm_hub_request → wait for calm_hub_response),
// hub (a real Hub with voice and friends wired as hub.ts will, talking through its real HaLink), broker (aedes or
// MQTT_TEST_URL), episodes (a small real EpisodeControl that snapshots, dims and restores through HaLink).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { createRootLogger } from "../../hub/core/index.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { API_TOKEN, startTestHub } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";
import { startWiredHub, type WiredHub } from "./wire.js";

let broker: TestBroker;
let sim: HaSimulator;
const running: WiredHub[] = [];

const YAML = `
time_zone: Europe/Berlin
people:
  alice: { room: living_room }
  bob: { room: bedroom }
friends:
  alice:
    enabled: true
    notify: notify.mobile_app_alice_phone
    friends: [{ name: Sam, phone: "+49 30 1234567" }]
    quiet_hours: { after: "00:00", before: "00:00" }
`;

beforeAll(async () => {
  broker = await startTestBroker();
  sim = await HaSimulator.start();
});

afterEach(async () => {
  for (const w of running.splice(0)) await w.stop();
  // Episodes a test left running must not leave the next test a dimmed room.
  sim.changeByHand("light.living_room", {
    state: "on",
    attributes: { brightness: 200, color_temp_kelvin: 3000 },
  });
  sim.clearCalls();
  sim.clearFaults();
});

afterAll(async () => {
  await sim?.stop();
  await broker?.stop();
});

async function wired(): Promise<WiredHub> {
  const w = await startWiredHub({
    mqttUrl: broker.url,
    base: `${broker.base}v${Math.random().toString(36).slice(2, 8)}`,
    haUrl: sim.url,
    haToken: sim.token,
    yaml: YAML,
    logger: createRootLogger({ level: process.env.CALM_TEST_LOG ?? "silent" }),
  });
  running.push(w);
  await waitFor(() => w.hub.ha.state === "online", { what: "Home Assistant link" });
  // The request subscription is made when the link comes up; give its ack a moment.
  await waitFor(() => w.voice.vocabulary().rooms?.some((r) => r.id === "living_room"), {
    what: "registries",
  });
  return w;
}

const LIVING_ROOM_SATELLITE = "dev_satellite_living_room";

describe("voice requests from Assist, end to end", () => {
  it("starts an episode in the satellite's room and answers the same request id within 2 s", async () => {
    const w = await wired();
    const started = Date.now();
    const answer = await sim.playAssistRequest({
      text: "I'm stressed",
      device_id: LIVING_ROOM_SATELLITE,
      request_id: "req-calm-1",
    });
    const elapsed = Date.now() - started;
    expect(answer).not.toBeNull();
    expect(answer?.request_id).toBe("req-calm-1");
    expect(elapsed).toBeLessThan(2000);
    expect(answer?.speech).toBe("Dimming the living room. Say 'stop' when you're ready.");

    const dim = await sim.waitForCall("light.turn_on");
    expect(dim.entityIds).toEqual(["light.living_room"]);
    expect(w.hub.episodes.activeEpisodes()).toEqual([
      expect.objectContaining({ person: "alice", room: "living_room", reason: "voice request" }),
    ]);
  });

  it("'stop' ends the episode and gives the room back", async () => {
    const w = await wired();
    const before = sim.getState("light.living_room")?.attributes.brightness;
    expect(before).toBe(200);
    await sim.playAssistRequest({ text: "help me relax", device_id: LIVING_ROOM_SATELLITE });
    await waitFor(() => sim.getState("light.living_room")?.attributes.brightness !== before, {
      what: "dimmed",
    });

    const answer = await sim.playAssistRequest({ text: "Stop.", device_id: LIVING_ROOM_SATELLITE });
    expect(answer?.speech).toBe("Okay. The living room is back to how you had it.");
    await waitFor(() => sim.getState("light.living_room")?.attributes.brightness === before, {
      what: "restored",
    });
    expect(w.hub.episodes.activeEpisodes()).toHaveLength(0);

    const again = await sim.playAssistRequest({ text: "that's enough", device_id: LIVING_ROOM_SATELLITE });
    expect(again?.speech).toBe("Nothing to stop. No calm is running right now.");
  });

  it("answers an unknown sentence with what it can do, and changes nothing", async () => {
    const w = await wired();
    const requests: { intent: string; outcome: string }[] = [];
    w.hub.events.on("voice", (r) => requests.push(r));
    const answer = await sim.playAssistRequest({
      text: "what's the weather like tomorrow",
      device_id: LIVING_ROOM_SATELLITE,
    });
    expect(answer?.speech).toMatch(
      /^Sorry, I didn't get that\. I can calm a room, play rain, ocean or forest/,
    );
    expect(answer?.speech).not.toMatch(/\d/);
    // The hub answers once its work for the request is done (not early, which it counts): every call that
    // work made reached Home Assistant before the answer did.
    expect(requests).toEqual([expect.objectContaining({ intent: "unknown", outcome: "unknown" })]);
    expect(w.voice.counters.answered_early).toBe(0);
    expect(sim.calls.filter((c) => c.domain !== "notify")).toHaveLength(0);
  });

  // Answering early when an action is slow is covered in service.test.ts: the simulator can only slow down
  // every answer (the response event included), not a single action.

  it("plays a soundscape, and 'I feel lonely' sends a friend suggestion to the room's person", async () => {
    await wired();
    const rain = await sim.playAssistRequest({ text: "play some rain", device_id: LIVING_ROOM_SATELLITE });
    expect(rain?.speech).toBe("Playing rain in the living room. Say 'stop' to end it.");
    expect((await sim.waitForCall("media_player.play_media")).entityIds).toEqual([
      "media_player.living_room",
    ]);

    const lonely = await sim.playAssistRequest({ text: "I feel lonely", device_id: LIVING_ROOM_SATELLITE });
    expect(lonely?.speech).toMatch(/calling Sam/);
    const note = await sim.waitForCall("notify.mobile_app_alice_phone");
    expect(note.service_data.message).toBe("Want to call Sam?");
  });

  it("answers a malformed request it can still identify, and ignores one it cannot", async () => {
    const w = await wired();
    const reply = sim.waitForEvent(
      (e) => e.event_type === "calm_hub_response" && e.data.request_id === "bad-1",
    );
    sim.fireEvent("calm_hub_request", { request_id: "bad-1", text: 42 });
    sim.fireEvent("calm_hub_request", { text: "calm me down" });
    expect((await reply).data.speech).toMatch(/I can calm a room/);
    await waitFor(() => w.voice.counters.invalid === 2, { what: "both counted" });
    expect(w.hub.episodes.activeEpisodes()).toHaveLength(0);
  });

  it("serves POST /api/voice behind the bearer token", async () => {
    const w = await wired();
    const url = `${w.hub.apiUrl}/api/voice`;
    const post = (body: unknown, token = API_TOKEN) =>
      fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post({ text: "help me relax" }, "wrong")).status).toBe(401);
    expect((await post({ text: "" })).status).toBe(400);
    expect((await post({ text: "hi", extra: true })).status).toBe(400);

    const res = await post({ text: "Play the ocean!", room: "bedroom" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      speech: "Playing ocean in the bedroom. Say 'stop' to end it.",
      intent: { kind: "soundscape", soundscape: "ocean" },
    });
    expect((await sim.waitForCall("media_player.play_media")).entityIds).toEqual(["media_player.bedroom"]);

    const calm = await (await post({ text: "I'm anxious", person: "bob" })).json();
    expect(calm).toEqual({
      speech: "Dimming the bedroom. Say 'stop' when you're ready.",
      intent: { kind: "calm" },
    });
  });

  it("re-reads the registries after Home Assistant restarts", async () => {
    const w = await wired();
    const refreshed = new Promise<void>((resolve) => {
      const original = w.voice.refreshRegistries.bind(w.voice);
      w.voice.refreshRegistries = () => {
        resolve();
        return original();
      };
    });
    await sim.restart();
    await refreshed;
    await waitFor(() => w.hub.ha.state === "online", { what: "reconnect", timeoutMs: 10_000 });
    const answer = await sim.playAssistRequest({ text: "calm me down", device_id: LIVING_ROOM_SATELLITE });
    expect(answer?.speech).toMatch(/living room/);
  });
});

describe("rooms.<id>.area_id maps a satellite's area to its room (issue #17)", () => {
  it("calms the room whose area_id is the satellite's area, not the living room", async () => {
    const own = await HaSimulator.start({
      areas: [
        { area_id: "living_room", name: "Living room" },
        { area_id: "master_bedroom", name: "Master bedroom" },
      ],
      devices: [
        { id: "dev_satellite_living_room", name: "Living room satellite", area_id: "living_room" },
        { id: "dev_satellite_master", name: "Master bedroom satellite", area_id: "master_bedroom" },
      ],
    });
    try {
      own.setState("light.bedroom", "on", {
        ...own.getState("light.bedroom")?.attributes,
        brightness: 180,
        color_mode: "color_temp",
        color_temp_kelvin: 2700,
      });
      const h = await startTestHub({
        mqttUrl: broker.url,
        base: `${broker.base}va${Math.random().toString(36).slice(2, 8)}`,
        haUrl: own.url,
        haToken: own.token,
        yaml: `
people:
  alice: { room: living_room }
  bob: { room: bedroom }
voice: { default_room: living_room }
rooms:
  living_room:
    lights: [light.living_room]
    media_player: media_player.living_room
    people: [alice]
  bedroom:
    area_id: master_bedroom
    lights: [light.bedroom]
    people: [bob]
`,
      });
      try {
        await waitFor(() => h.ha.state === "online" && h.ha.getEntity("light.bedroom")?.state === "on", {
          what: "Home Assistant link",
        });
        await waitFor(() => h.voice.vocabulary().rooms?.some((r) => r.names.includes("living room")), {
          what: "registries",
        });
        const answer = await own.playAssistRequest({
          text: "I'm stressed",
          device_id: "dev_satellite_master",
        });
        expect(answer?.speech).toBe("Dimming the master bedroom. Say 'stop' when you're ready.");
        expect(h.episodes.activeEpisodes()).toEqual([
          expect.objectContaining({ person: "bob", room: "bedroom" }),
        ]);
        const dim = await own.waitForCall("light.turn_on");
        expect(dim.entityIds).toEqual(["light.bedroom"]);
        expect(own.calls.some((c) => c.entityIds.includes("light.living_room"))).toBe(false);
        // The living room's satellite still finds its room by the area id that is the room id.
        const lr = await own.playAssistRequest({
          text: "I'm stressed",
          device_id: "dev_satellite_living_room",
        });
        expect(lr?.speech).toBe("Dimming the living room. Say 'stop' when you're ready.");
      } finally {
        await h.stop();
      }
    } finally {
      await own.stop();
    }
  });
});
