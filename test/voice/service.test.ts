import type { HassEntities, HassEvent } from "home-assistant-js-websocket";
import { describe, expect, it } from "vitest";
import { VoiceConfigSchema } from "../../hub/config/index.js";
import { FakeClock, silentLogger } from "../../hub/core/index.js";
import type { EpisodeControl, EpisodeRequest, EpisodeView } from "../../hub/episodes/index.js";
import { createVoiceService, type VoiceHa } from "../../hub/voice/index.js";
import { waitFor } from "../support/wait-for.js";

/** HA with a device registry where the satellite stands in the "lounge" area. */
function fakeHa(): VoiceHa & { fired: Record<string, unknown>[]; emit(data: Record<string, unknown>): void } {
  const handlers = new Map<string, (e: HassEvent) => void>();
  return {
    state: "online",
    fired: [],
    onEvent(type, handler) {
      handlers.set(type, handler);
      return () => handlers.delete(type);
    },
    onState: () => () => undefined,
    async fireEvent(_type, data) {
      this.fired.push(data);
    },
    async command<T>(message: { type: string }): Promise<T> {
      if (message.type === "config/device_registry/list")
        return [{ id: "sat1", area_id: "lounge" }, { id: "sat2", area_id: null }, { bogus: true }] as T;
      return [{ area_id: "lounge", name: "Lounge", aliases: ["sitting room"] }] as T;
    },
    allEntities: () =>
      ({
        "person.bob": { entity_id: "person.bob", attributes: { user_id: "u-bob" } },
      }) as unknown as HassEntities,
    emit(data) {
      handlers.get("calm_hub_request")?.({ event_type: "calm_hub_request", data } as unknown as HassEvent);
    },
  };
}

function fakeEpisodes(): EpisodeControl & { requests: EpisodeRequest[] } {
  const requests: EpisodeRequest[] = [];
  return {
    requests,
    async start(request) {
      requests.push(request);
      const episode = { id: "e1", person: request.person, room: request.room ?? "?" } as EpisodeView;
      return { ok: true, episode, already_running: false };
    },
    stop: async () => undefined,
    active: () => [],
    playSoundscape: async () => ({ ok: true, detail: "" }),
  };
}

const setup = () => {
  const ha = fakeHa();
  const episodes = fakeEpisodes();
  const voice = createVoiceService({
    ha,
    episodes,
    config: VoiceConfigSchema.parse({ areas: { lounge: "living_room" }, default_room: "hall" }),
    clock: new FakeClock(),
    logger: silentLogger(),
    people: { alice: { room: "living_room" }, bob: { room: "bedroom" } },
  });
  voice.start();
  return { ha, episodes, voice };
};

describe("VoiceService", () => {
  it("maps the satellite's area to a room and the room to its person", async () => {
    const { voice, episodes } = setup();
    await voice.refreshRegistries();
    const reply = await voice.handle({ text: "I'm stressed", device_id: "sat1" });
    expect(reply).toMatchObject({ room: "living_room", person: "alice", completed: true });
    expect(reply.speech).toBe("Dimming the lounge. Say 'stop' when you're ready.");
    expect(episodes.requests[0]).toMatchObject({
      person: "alice",
      room: "living_room",
      reason: "voice request",
    });
  });

  it("takes the person from the HA user, and their room when the satellite has no area", async () => {
    const { voice } = setup();
    const reply = await voice.handle({ text: "help me relax", device_id: "sat2", user_id: "u-bob" });
    expect(reply).toMatchObject({ person: "bob", room: "bedroom" });
  });

  it("understands the room's HA alias in the sentence", async () => {
    const { voice } = setup();
    await voice.refreshRegistries();
    expect((await voice.handle({ text: "calm the sitting room down" })).room).toBe("living_room");
  });

  it("answers the request event with the same id, once per id", async () => {
    const { ha, voice } = setup();
    await voice.refreshRegistries();
    ha.emit({ request_id: "r1", text: "stop", device_id: "None", language: "None" });
    ha.emit({ request_id: "r1", text: "stop" });
    // A later request takes the same path: once it is answered, a second answer to r1 would be out too.
    ha.emit({ request_id: "r2", text: "stop" });
    await waitFor(() => ha.fired.some((f) => f.request_id === "r2"), { what: "the answer to r2" });
    expect(ha.fired).toEqual([
      { request_id: "r1", speech: "Nothing to stop. No calm is running right now." },
      { request_id: "r2", speech: "Nothing to stop. No calm is running right now." },
    ]);
  });

  it("does not suggest a friend when it cannot tell who is asking", async () => {
    const ha = fakeHa();
    const voice = createVoiceService({
      ha,
      episodes: fakeEpisodes(),
      config: VoiceConfigSchema.parse({}),
      clock: new FakeClock(),
      logger: silentLogger(),
      friends: { suggest: async () => ({ ok: true, friend: "Sam" }) },
      people: { alice: {}, bob: {} },
    });
    const reply = await voice.handle({ text: "I feel lonely" });
    expect(reply.person).toBe("household");
    expect(reply.speech).toMatch(/not sure who's asking/);
  });
});
