import {
  type Connection,
  callService,
  createConnection,
  createLongLivedTokenAuth,
  ERR_INVALID_AUTH,
  getConfig,
  getServices,
  getStates,
  type HassEntities,
  type HassEvent,
  subscribeEntities,
} from "home-assistant-js-websocket";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { RawHaClient } from "./raw-ha-client.js";

type Json = Record<string, unknown>;

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function nextReady(conn: Connection): Promise<void> {
  return new Promise((resolve) => {
    const onReady = (): void => {
      conn.removeEventListener("ready", onReady);
      resolve();
    };
    conn.addEventListener("ready", onReady);
  });
}

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), ms));
}

let sim: HaSimulator;
const connections: Connection[] = [];
const rawClients: RawHaClient[] = [];

async function connect(simulator: HaSimulator = sim, token = simulator.token): Promise<Connection> {
  const conn = await createConnection({ auth: createLongLivedTokenAuth(simulator.url, token) });
  connections.push(conn);
  return conn;
}

async function raw(coalesce = false): Promise<RawHaClient> {
  const client = await RawHaClient.ready(sim.wsUrl, sim.token, coalesce);
  rawClients.push(client);
  return client;
}

beforeEach(async () => {
  sim = await HaSimulator.start();
});

afterEach(async () => {
  for (const conn of connections.splice(0)) conn.close();
  for (const client of rawClients.splice(0)) client.close();
  await sim.stop();
});

describe("HaSimulator with home-assistant-js-websocket", () => {
  it("authenticates with the right token and reports the HA version", async () => {
    const conn = await connect();
    expect(conn.haVersion).toBe("2025.11.2");
    expect(sim.connectionCount).toBe(1);
    await conn.ping();
  });

  it("rejects a wrong token and rejectAuth(true) with ERR_INVALID_AUTH", async () => {
    await expect(connect(sim, "wrong")).rejects.toBe(ERR_INVALID_AUTH);
    sim.rejectAuth(true);
    await expect(connect()).rejects.toBe(ERR_INVALID_AUTH);
    sim.rejectAuth(false);
    await expect(connect()).resolves.toBeDefined();
  });

  it("answers getStates, getConfig and getServices", async () => {
    const conn = await connect();
    const states = await getStates(conn);
    const ids = states.map((state) => state.entity_id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "light.living_room",
        "light.bedroom",
        "light.hall",
        "media_player.living_room",
        "media_player.bedroom",
        "scene.calm_alice",
        "scene.calm_bob",
        "person.alice",
        "person.bob",
        "sun.sun",
        "assist_satellite.living_room",
      ]),
    );
    const bedroom = states.find((state) => state.entity_id === "light.bedroom");
    expect(bedroom?.state).toBe("off");
    expect(bedroom?.attributes).toMatchObject({
      brightness: null,
      color_temp_kelvin: null,
      color_mode: null,
    });
    expect(bedroom?.last_changed).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);

    const config = await getConfig(conn);
    expect(config.state).toBe("RUNNING");
    expect(config.latitude).toBe(52.52);
    expect(config.longitude).toBe(13.405);
    expect(config.time_zone).toBe("Europe/Berlin");
    expect(config.version).toBe("2025.11.2");
    for (const key of [
      "components",
      "unit_system",
      "location_name",
      "elevation",
      "config_dir",
      "safe_mode",
    ]) {
      expect(config).toHaveProperty(key);
    }

    const services = await getServices(conn);
    expect(Object.keys(services.light ?? {})).toEqual(
      expect.arrayContaining(["turn_on", "turn_off", "toggle"]),
    );
    expect(Object.keys(services.scene ?? {})).toEqual(expect.arrayContaining(["create", "turn_on", "apply"]));
    expect(services.notify?.mobile_app_alice_phone).toBeDefined();
    expect(services.conversation?.process?.response).toEqual({ optional: true });
  });

  it("callService changes state and subscribeEntities sees it", async () => {
    const conn = await connect();
    let entities: HassEntities = {};
    subscribeEntities(conn, (next) => {
      entities = next;
    });
    await until(() => entities["light.bedroom"] !== undefined);

    const result = (await callService(
      conn,
      "light",
      "turn_on",
      { brightness_pct: 30, color_temp_kelvin: 1500, transition: 8 },
      { entity_id: "light.bedroom" },
    )) as Json;
    expect(result).not.toHaveProperty("response");
    const context = result.context as Json;
    expect(context.user_id).toBe(sim.userId);
    expect(context.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);

    await until(() => entities["light.bedroom"]?.state === "on");
    const bedroom = entities["light.bedroom"];
    // round(255 * 30 / 100) in Python: 76.5 rounds half to even.
    expect(bedroom?.attributes.brightness).toBe(76);
    // Clamped to the bulb's minimum.
    expect(bedroom?.attributes.color_temp_kelvin).toBe(2000);
    expect(bedroom?.context.id).toBe(context.id);
    expect(sim.getState("light.bedroom")?.state).toBe("on");

    const call = await sim.waitForCall("light.turn_on");
    expect(call.service_data).toMatchObject({ brightness_pct: 30, transition: 8 });
    expect(call.applied["light.bedroom"]).toEqual({ brightness: 76, color_temp_kelvin: 2000, transition: 8 });
    expect(call.contextId).toBe(context.id);

    await callService(conn, "light", "turn_off", undefined, { entity_id: "light.bedroom" });
    await until(() => entities["light.bedroom"]?.state === "off");
    expect(entities["light.bedroom"]?.attributes.brightness).toBeNull();
  });

  it("delivers state_changed to subscribeEvents with full old and new states", async () => {
    const conn = await connect();
    const events: HassEvent[] = [];
    await conn.subscribeEvents<HassEvent>((event) => events.push(event), "state_changed");
    const result = (await callService(
      conn,
      "media_player",
      "volume_set",
      { volume_level: 0.6 },
      {
        entity_id: "media_player.bedroom",
      },
    )) as { context: Json };
    await until(() => events.length > 0);
    const event = events[0];
    expect(event?.event_type).toBe("state_changed");
    expect(event?.origin).toBe("LOCAL");
    expect(event?.context.id).toBe(result.context.id);
    expect(event?.data.entity_id).toBe("media_player.bedroom");
    expect(event?.data.old_state.attributes.volume_level).toBe(0.2);
    expect(event?.data.new_state.attributes.volume_level).toBe(0.6);
  });

  it("stops delivering after unsubscribe", async () => {
    const conn = await connect();
    const events: HassEvent[] = [];
    const unsubscribe = await conn.subscribeEvents<HassEvent>((event) => events.push(event), "calm_test");
    sim.fireEvent("calm_test", { n: 1 });
    await until(() => events.length === 1);
    await unsubscribe();
    sim.fireEvent("calm_test", { n: 2 });
    // One socket keeps order: an event sent for n: 2 would arrive before the answer to a later ping.
    await conn.ping();
    expect(events).toHaveLength(1);
  });

  it("fires custom events with fire_event, origin LOCAL, context of the hub user", async () => {
    const conn = await connect();
    const events: HassEvent[] = [];
    await conn.subscribeEvents<HassEvent>((event) => events.push(event), "calm_hub_response");
    const result = await conn.sendMessagePromise<{ context: Json }>({
      type: "fire_event",
      event_type: "calm_hub_response",
      event_data: { request_id: "r1", speech: "Breathe" },
    });
    expect(result.context.user_id).toBe(sim.userId);
    await until(() => events.length === 1);
    expect(events[0]).toMatchObject({
      event_type: "calm_hub_response",
      origin: "LOCAL",
      data: { speech: "Breathe" },
    });
    expect(sim.events.some((event) => event.event_type === "calm_hub_response")).toBe(true);
  });

  it("handles coalesced frames: parallel commands and events all resolve", async () => {
    const conn = await connect();
    const events: HassEvent[] = [];
    await conn.subscribeEvents<HassEvent>((event) => events.push(event), "state_changed");
    const [states, config, , services] = await Promise.all([
      getStates(conn),
      getConfig(conn),
      conn.ping(),
      getServices(conn),
      callService(conn, "light", "turn_off", undefined, { entity_id: ["light.living_room", "light.hall"] }),
    ]);
    expect(states.length).toBeGreaterThan(5);
    expect(config.state).toBe("RUNNING");
    expect(services.light).toBeDefined();
    await until(() => events.length === 2);
  });

  it("reconnects after dropConnections() and resubscribes", async () => {
    const conn = await connect();
    const events: HassEvent[] = [];
    await conn.subscribeEvents<HassEvent>((event) => events.push(event), "calm_test");
    let entities: HassEntities = {};
    subscribeEntities(conn, (next) => {
      entities = next;
    });
    await until(() => entities["light.hall"] !== undefined);

    const ready = nextReady(conn);
    sim.dropConnections();
    await ready;
    // `ready` fires once the resubscribe commands are sent; a pong proves they were handled.
    await conn.ping();
    expect(sim.connectionCount).toBe(1);

    sim.fireEvent("calm_test", { after: "reconnect" });
    await until(() => events.length === 1);
    expect(events[0]?.data).toEqual({ after: "reconnect" });
    sim.changeByHand("light.hall", { state: "off" });
    await until(() => entities["light.hall"]?.state === "off");
  });

  it("half-open connection is detected by a ping timeout and recovered by reconnect(true)", async () => {
    const conn = await connect();
    sim.dropConnections({ halfOpen: true });
    await expect(Promise.race([conn.ping(), timeout(200)])).rejects.toThrow("timeout");
    expect(conn.connected).toBe(true);
    const ready = nextReady(conn);
    conn.reconnect(true);
    await ready;
    await Promise.race([conn.ping(), timeout(500)]);
    expect(sim.connectionCount).toBe(1);
  });

  it("failService rejects with HA's error shape, then recovers", async () => {
    const conn = await connect();
    sim.failService("light.turn_on", { code: "home_assistant_error", message: "Bulb unreachable" }, 1);
    await expect(callService(conn, "light", "turn_on", {}, { entity_id: "light.bedroom" })).rejects.toEqual({
      code: "home_assistant_error",
      message: "Bulb unreachable",
    });
    expect(sim.calls[0]?.error).toEqual({ code: "home_assistant_error", message: "Bulb unreachable" });
    await expect(
      callService(conn, "light", "turn_on", {}, { entity_id: "light.bedroom" }),
    ).resolves.toBeDefined();
    expect(sim.getState("light.bedroom")?.state).toBe("on");
  });

  it("scene.create snapshot, a light change and scene.turn_on restore the room", async () => {
    const conn = await connect();
    const before = sim.getState("light.living_room");
    await callService(conn, "scene", "create", {
      scene_id: "calm_hub_before",
      snapshot_entities: ["light.living_room", "light.bedroom", "media_player.living_room"],
    });
    expect(sim.getState("scene.calm_hub_before")?.attributes.entity_id).toEqual([
      "light.living_room",
      "light.bedroom",
      "media_player.living_room",
    ]);
    await callService(
      conn,
      "light",
      "turn_on",
      { brightness_pct: 25, color_temp_kelvin: 2200, transition: 20 },
      { entity_id: ["light.living_room", "light.bedroom"] },
    );
    await callService(
      conn,
      "media_player",
      "play_media",
      { media_content_id: "media-source://media_source/local/rain.mp3", media_content_type: "music" },
      { entity_id: "media_player.living_room" },
    );
    expect(sim.getState("light.living_room")?.attributes.brightness).toBe(64);
    expect(sim.getState("media_player.living_room")?.state).toBe("playing");

    await callService(conn, "scene", "turn_on", { transition: 10 }, { entity_id: "scene.calm_hub_before" });
    expect(sim.getState("light.living_room")?.attributes).toEqual(before?.attributes);
    expect(sim.getState("light.bedroom")?.state).toBe("off");
    expect(sim.getState("media_player.living_room")?.state).toBe("idle");
    expect(sim.getState("media_player.living_room")?.attributes).not.toHaveProperty("media_content_id");
    expect(sim.getState("scene.calm_hub_before")?.state).toMatch(/\+00:00$/);

    await expect(
      callService(conn, "scene", "create", {
        scene_id: "bad",
        entities: { "light.hall": "on" },
        snapshot_entities: ["light.hall"],
      }),
    ).rejects.toMatchObject({
      code: "invalid_format",
      message: "entities and snapshot_entities must not overlap",
    });

    await callService(conn, "scene", "delete", undefined, { entity_id: "scene.calm_hub_before" });
    expect(sim.getState("scene.calm_hub_before")).toBeUndefined();
  });

  it("activates a seeded calm scene", async () => {
    const conn = await connect();
    await callService(conn, "scene", "turn_on", undefined, { entity_id: "scene.calm_bob" });
    expect(sim.getState("light.bedroom")?.attributes).toMatchObject({
      brightness: 60,
      color_temp_kelvin: 2000,
    });
    expect(sim.getState("media_player.bedroom")?.attributes.volume_level).toBe(0.1);
  });

  it("changeByHand carries a different user's context than the hub's calls", async () => {
    const conn = await connect();
    let entities: HassEntities = {};
    subscribeEntities(conn, (next) => {
      entities = next;
    });
    const result = (await callService(
      conn,
      "light",
      "turn_on",
      { brightness: 100 },
      {
        entity_id: "light.hall",
      },
    )) as { context: Json };
    await until(() => entities["light.hall"]?.attributes.brightness === 100);
    expect(entities["light.hall"]?.context.user_id).toBe(sim.userId);

    const byHand = sim.changeByHand("light.hall", { state: "off" });
    await until(() => entities["light.hall"]?.state === "off");
    const context = entities["light.hall"]?.context;
    expect(context?.id).toBe(byHand.id);
    expect(context?.id).not.toBe(result.context.id);
    expect(context?.user_id).toBe(sim.householdUserId);
    expect(context?.user_id).not.toBe(sim.userId);
  });

  it("lists the area, device and entity registries so a satellite maps to its room", async () => {
    const conn = await connect();
    const areas = await conn.sendMessagePromise<Json[]>({ type: "config/area_registry/list" });
    const devices = await conn.sendMessagePromise<Json[]>({ type: "config/device_registry/list" });
    const entities = await conn.sendMessagePromise<Json[]>({ type: "config/entity_registry/list" });
    expect(areas.map((area) => area.area_id)).toEqual(["living_room", "bedroom", "hall"]);
    const satellite = entities.find((entity) => entity.entity_id === "assist_satellite.living_room");
    const device = devices.find((entry) => entry.id === satellite?.device_id);
    expect(device?.area_id).toBe("living_room");
    expect(areas.find((area) => area.area_id === device?.area_id)?.name).toBe("Living room");
  });

  it("lists floors, labels and entities for display in Home Assistant's shapes", async () => {
    const conn = await connect();
    const floors = await conn.sendMessagePromise<Json[]>({ type: "config/floor_registry/list" });
    const labels = await conn.sendMessagePromise<Json[]>({ type: "config/label_registry/list" });
    const display = await conn.sendMessagePromise<{ entity_categories: Json; entities: Json[] }>({
      type: "config/entity_registry/list_for_display",
    });
    const areas = await conn.sendMessagePromise<Json[]>({ type: "config/area_registry/list" });

    expect(floors).toEqual([
      {
        aliases: [],
        created_at: expect.any(Number),
        floor_id: "ground_floor",
        icon: null,
        level: 0,
        name: "Ground floor",
        modified_at: expect.any(Number),
      },
    ]);
    // Registry timestamps are seconds since the epoch, as Python's datetime.timestamp() gives them.
    expect(floors[0]?.created_at as number).toBeLessThan(Date.now() / 100);
    expect(areas.every((area) => area.floor_id === "ground_floor")).toBe(true);
    expect(labels).toEqual([
      {
        color: "indigo",
        created_at: expect.any(Number),
        description: "Used by calm scenes",
        icon: "mdi:leaf",
        label_id: "calm",
        name: "Calm",
        modified_at: expect.any(Number),
      },
    ]);

    // Compressed keys: ei entity_id, pl platform, ai area, lb labels, di device; null values are left out.
    expect(display.entity_categories).toEqual({ "0": "config", "1": "diagnostic" });
    const light = display.entities.find((entry) => entry.ei === "light.living_room");
    expect(light).toEqual({ ei: "light.living_room", pl: "ha_sim", lb: [], di: "dev_light_living_room" });
    expect(display.entities.find((entry) => entry.ei === "tts.piper")).toEqual({
      ei: "tts.piper",
      pl: "ha_sim",
      lb: [],
    });
    // The same entries as the full list (none is disabled), in the same order.
    const entities = await conn.sendMessagePromise<Json[]>({ type: "config/entity_registry/list" });
    expect(display.entities.map((entry) => entry.ei)).toEqual(entities.map((entry) => entry.entity_id));
  });

  it("serves seeded floors and an entity's own area in list_for_display", async () => {
    const custom = await HaSimulator.start({
      entities: [{ entity_id: "light.desk", state: "on", area_id: "office" }],
      areas: [{ area_id: "office", name: "Office", floor_id: "upstairs" }],
      floors: [
        { floor_id: "upstairs", name: "Upstairs", level: 1, aliases: ["first floor"], icon: "mdi:stairs" },
      ],
    });
    try {
      const conn = await connect(custom);
      const floors = await conn.sendMessagePromise<Json[]>({ type: "config/floor_registry/list" });
      const labels = await conn.sendMessagePromise<Json[]>({ type: "config/label_registry/list" });
      const display = await conn.sendMessagePromise<{ entities: Json[] }>({
        type: "config/entity_registry/list_for_display",
      });
      expect(floors).toMatchObject([
        { floor_id: "upstairs", level: 1, aliases: ["first floor"], icon: "mdi:stairs" },
      ]);
      expect(labels).toEqual([]);
      expect(display.entities).toEqual([{ ei: "light.desk", pl: "ha_sim", ai: "office", lb: [] }]);
    } finally {
      await custom.stop();
    }
  });

  it("playAssistRequest round-trips calm_hub_request and calm_hub_response", async () => {
    const conn = await connect();
    const requests: HassEvent[] = [];
    const unsubscribe = await conn.subscribeEvents<HassEvent>((event) => {
      requests.push(event);
      void conn.sendMessagePromise({
        type: "fire_event",
        event_type: "calm_hub_response",
        event_data: { request_id: event.data.request_id, speech: "Okay. Breathe in with me." },
      });
    }, "calm_hub_request");
    const reply = await sim.playAssistRequest({
      text: "help me calm down",
      device_id: "dev_satellite_living_room",
    });
    expect(reply).toMatchObject({ speech: "Okay. Breathe in with me." });
    expect(requests[0]?.origin).toBe("LOCAL");
    expect(requests[0]?.data).toMatchObject({
      text: "help me calm down",
      sentence: "help me calm down",
      device_id: "dev_satellite_living_room",
      language: "en",
    });
    expect(requests[0]?.data.conversation_id).toEqual(expect.any(String));
    expect(requests[0]?.data.request_id).toBe(reply?.request_id);

    // Nobody answers: the automation falls back after its timeout.
    await unsubscribe();

    await expect(
      sim.playAssistRequest({ text: "anyone?", device_id: null, timeoutMs: 50 }),
    ).resolves.toBeNull();
  });

  it("tapNotificationAction fires mobile_app_notification_action with origin REMOTE", async () => {
    const conn = await connect();
    await callService(conn, "notify", "mobile_app_alice_phone", {
      message: "Want to call Sam?",
      data: { tag: "calm-1", actions: [{ action: "CALM_CALL_SAM", title: "Call Sam" }] },
    });
    expect((await sim.waitForCall("notify.mobile_app_alice_phone")).service_data.message).toBe(
      "Want to call Sam?",
    );
    const events: HassEvent[] = [];
    await conn.subscribeEvents<HassEvent>((event) => events.push(event), "mobile_app_notification_action");
    sim.tapNotificationAction({ action: "CALM_CALL_SAM", tag: "calm-1" });
    await until(() => events.length === 1);
    expect(events[0]).toMatchObject({ origin: "REMOTE", data: { action: "CALM_CALL_SAM", tag: "calm-1" } });
    await expect(callService(conn, "notify", "mobile_app_carol_phone", { message: "hi" })).rejects.toEqual({
      code: "not_found",
      message: "Service notify.mobile_app_carol_phone not found.",
    });
  });

  it("subscribe_trigger fires for state, event and conversation platforms", async () => {
    const conn = await connect();
    const fired: Json[] = [];
    await conn.subscribeMessage<Json>((event) => fired.push(event), {
      type: "subscribe_trigger",
      trigger: [
        { platform: "state", entity_id: "input_boolean.calm_mode", to: "on" },
        { trigger: "event", event_type: "calm_test", event_data: { level: "high" } },
        { platform: "conversation", command: ["[i'm|i am] (stressed|anxious)", "calm [the] {room} [down]"] },
      ],
    });
    await callService(conn, "input_boolean", "turn_on", undefined, { entity_id: "input_boolean.calm_mode" });
    sim.fireEvent("calm_test", { level: "low" });
    sim.fireEvent("calm_test", { level: "high" });
    const processed = await conn.sendMessagePromise<Json>({
      type: "conversation/process",
      text: "Calm the bedroom down!",
    });
    await until(() => fired.length === 3);
    const triggers = fired.map((event) => (event.variables as { trigger: Json }).trigger);
    expect(triggers[0]).toMatchObject({ platform: "state", idx: "0", entity_id: "input_boolean.calm_mode" });
    expect(triggers[0]?.to_state).toMatchObject({ state: "on" });
    expect(triggers[1]).toMatchObject({ platform: "event", idx: "1" });
    expect(triggers[2]).toMatchObject({ platform: "conversation", slots: { room: "bedroom" } });
    expect(processed).toMatchObject({
      response: { response_type: "action_done", speech: { plain: { speech: "Done" } } },
    });
  });

  it("restart drops clients, forgets created scenes and comes back STARTING then RUNNING", async () => {
    const conn = await connect();
    await callService(conn, "scene", "create", { scene_id: "tmp", snapshot_entities: ["light.hall"] });
    const ready = nextReady(conn);
    const restarted = sim.restart({ startingMs: 300 });
    await ready;
    expect((await getConfig(conn)).state).toBe("STARTING");
    await restarted;
    expect((await getConfig(conn)).state).toBe("RUNNING");
    expect(sim.getState("scene.tmp")).toBeUndefined();
    expect(sim.getState("scene.calm_alice")).toBeDefined();
  });

  it("applies HA's validation rules in call_service", async () => {
    const custom = await HaSimulator.start({
      entities: [
        {
          entity_id: "media_player.kitchen",
          state: "idle",
          attributes: { friendly_name: "Kitchen", supported_features: 4 },
        },
        {
          entity_id: "light.plain",
          state: "off",
          attributes: {
            supported_color_modes: ["brightness"],
            supported_features: 0,
            friendly_name: "Plain",
          },
        },
      ],
    });
    try {
      const conn = await connect(custom);
      await expect(
        callService(
          conn,
          "media_player",
          "play_media",
          { media_content_id: "x", media_content_type: "music" },
          {
            entity_id: "media_player.kitchen",
          },
        ),
      ).rejects.toEqual({
        code: "service_validation_error",
        message:
          "Validation error: Entity media_player.kitchen does not support action media_player.play_media.",
        translation_key: "service_not_supported",
        translation_domain: "homeassistant",
        translation_placeholders: {
          domain: "media_player",
          service: "play_media",
          entity_id: "media_player.kitchen",
        },
      });
      await expect(
        callService(
          conn,
          "media_player",
          "play_media",
          { media_content_id: "x", media_content_type: "music", enqueue: "play", announce: true },
          { entity_id: "media_player.kitchen" },
        ),
      ).rejects.toMatchObject({ code: "invalid_format" });
      await expect(
        callService(
          conn,
          "light",
          "turn_on",
          { color_temp_kelvin: 2700, rgb_color: [255, 0, 0] },
          {
            entity_id: "light.plain",
          },
        ),
      ).rejects.toMatchObject({ code: "invalid_format" });
      await expect(callService(conn, "light", "explode")).rejects.toEqual({
        code: "not_found",
        message: "Service light.explode not found.",
      });
      await expect(
        callService(conn, "light", "turn_on", undefined, { entity_id: "light.does_not_exist" }),
      ).resolves.toBeDefined();

      // Unsupported parameters are dropped, not rejected.
      await callService(
        conn,
        "light",
        "turn_on",
        { brightness: 300, color_temp_kelvin: 2700, transition: 5 },
        {
          entity_id: "light.plain",
        },
      );
      const plain = custom.getState("light.plain");
      expect(plain?.attributes).toMatchObject({ brightness: 255, color_mode: "brightness" });
      expect(plain?.attributes).not.toHaveProperty("color_temp_kelvin");
      expect(custom.calls.at(-1)?.applied["light.plain"]).toEqual({ brightness: 255 });

      await expect(
        callService(conn, "light", "turn_on", {}, { entity_id: "light.plain" }, true),
      ).rejects.toMatchObject({ code: "service_validation_error" });
      const processed = (await callService(
        conn,
        "conversation",
        "process",
        { text: "hello" },
        undefined,
        true,
      )) as Json;
      expect(processed.response).toMatchObject({ response: { response_type: "error" } });
      conn.close();
    } finally {
      await custom.stop();
    }
  });

  it("restores a colour light from a snapshot scene", async () => {
    const custom = await HaSimulator.start({
      entities: [
        {
          entity_id: "light.strip",
          state: "on",
          attributes: {
            supported_color_modes: ["color_temp", "hs"],
            min_color_temp_kelvin: 2000,
            max_color_temp_kelvin: 6500,
            supported_features: 32,
            color_mode: "hs",
            brightness: 90,
            color_temp_kelvin: null,
            hs_color: [30, 80],
            rgb_color: null,
            xy_color: null,
          },
        },
      ],
    });
    try {
      const conn = await connect(custom);
      const before = custom.getState("light.strip");
      await callService(conn, "scene", "create", { scene_id: "before", snapshot_entities: ["light.strip"] });
      const changed = custom.waitForEvent((event) => event.event_type === "state_changed");
      await callService(conn, "light", "turn_on", { color_temp_kelvin: 3000 }, { entity_id: "light.strip" });
      expect((await changed).data.new_state).toMatchObject({
        attributes: { color_mode: "color_temp", color_temp_kelvin: 3000 },
      });
      // In colour-temperature mode HA reports the same white as hs/rgb/xy, derived from the temperature.
      expect((await changed).data.new_state).toMatchObject({
        attributes: { rgb_color: [255, expect.any(Number), expect.any(Number)] },
      });
      await callService(conn, "scene", "turn_on", undefined, { entity_id: "scene.before" });
      expect(custom.getState("light.strip")?.attributes).toEqual(before?.attributes);
      conn.close();
    } finally {
      await custom.stop();
    }
  });

  it("gives a non-admin user the allowlist and unauthorized for admin-only commands", async () => {
    const limited = await HaSimulator.start({ admin: false });
    try {
      const conn = await connect(limited);
      await expect(conn.subscribeEvents(() => {}, "state_changed")).resolves.toBeTypeOf("function");
      await expect(conn.subscribeEvents(() => {}, "calm_hub_request")).rejects.toEqual({
        code: "unauthorized",
        message: "Unauthorized",
      });
      await expect(
        conn.sendMessagePromise({ type: "fire_event", event_type: "calm_hub_response" }),
      ).rejects.toMatchObject({ code: "unauthorized" });
      await expect(
        conn.subscribeMessage(() => {}, {
          type: "subscribe_trigger",
          trigger: { platform: "event", event_type: "x" },
        }),
      ).rejects.toMatchObject({ code: "unauthorized" });
      conn.close();
    } finally {
      await limited.stop();
    }
  });

  it("targets by area through the device registry (homeassistant.turn_off) and records voice calls", async () => {
    const conn = await connect();
    await callService(conn, "light", "turn_on", undefined, { entity_id: "light.bedroom" });
    await callService(conn, "homeassistant", "turn_off", undefined, { area_id: "bedroom" });
    expect(sim.getState("light.bedroom")?.state).toBe("off");
    expect(sim.getState("media_player.bedroom")?.state).toBe("off");
    expect(sim.getState("light.living_room")?.state).toBe("on");

    await callService(
      conn,
      "tts",
      "speak",
      { media_player_entity_id: "media_player.living_room", message: "Breathe" },
      {
        entity_id: "tts.piper",
      },
    );
    await callService(
      conn,
      "assist_satellite",
      "announce",
      { message: "Slow breath in" },
      {
        entity_id: "assist_satellite.living_room",
      },
    );
    const tts = await sim.waitForCall("tts.speak");
    expect(tts.applied["tts.piper"]).toEqual({
      media_player_entity_id: "media_player.living_room",
      message: "Breathe",
    });
    const announce = await sim.waitForCall((call) => call.domain === "assist_satellite");
    expect(announce.applied["assist_satellite.living_room"]).toEqual({
      message: "Slow breath in",
      preannounce: true,
    });
    await expect(sim.waitForCall("notify.mobile_app_bob_phone", 30)).rejects.toThrow("no call");
  });

  it("delays every response with delayResponses", async () => {
    const conn = await connect();
    sim.delayResponses(150);
    const started = Date.now();
    await conn.ping();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    sim.clearFaults();
    const again = Date.now();
    await conn.ping();
    expect(Date.now() - again).toBeLessThan(100);
  });

  it("revokeToken closes the socket and the reconnect fails with ERR_INVALID_AUTH", async () => {
    const conn = await connect();
    const failed = new Promise<unknown>((resolve) => {
      conn.addEventListener("reconnect-error", (_conn, error) => resolve(error));
    });
    sim.revokeToken();
    await expect(failed).resolves.toBe(ERR_INVALID_AUTH);
  });

  it("answers GET /api/ with a bearer token and 401 without", async () => {
    const ok = await fetch(`${sim.url}/api/`, { headers: { Authorization: `Bearer ${sim.token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ message: "API running." });
    expect((await fetch(`${sim.url}/api/`)).status).toBe(401);
    expect((await fetch(`${sim.url}/api/`, { headers: { Authorization: "Bearer nope" } })).status).toBe(401);
  });
});

describe("HaSimulator wire protocol (raw ws)", () => {
  it("closes a client that does not authenticate in time", async () => {
    const quick = await HaSimulator.start({ authTimeoutMs: 50 });
    try {
      const client = await RawHaClient.connect(quick.wsUrl);
      await client.waitClosed(1000);
    } finally {
      await quick.stop();
    }
  });

  it("closes the connection on a frame that is not JSON", async () => {
    const client = await raw();
    client.sendText("{not json");
    await client.waitClosed();
  });

  it("rejects a malformed auth message", async () => {
    const client = await RawHaClient.connect(sim.wsUrl);
    rawClients.push(client);
    client.send({ type: "auth", token: "x" });
    const reply = await client.next((m) => m.type === "auth_invalid");
    expect(String(reply.message)).toMatch(/^Auth message incorrectly formatted: /);
    await client.waitClosed();
  });

  it("sends auth_invalid and closes on a bad token", async () => {
    const client = await RawHaClient.connect(sim.wsUrl);
    rawClients.push(client);
    client.send({ type: "auth", access_token: "nope" });
    expect(await client.next((m) => m.type === "auth_invalid")).toEqual({
      type: "auth_invalid",
      message: "Invalid access token or password",
    });
    await client.waitClosed();
  });

  it("enforces increasing ids, but lets an unknown command's id be reused", async () => {
    const client = await raw();
    client.send({ id: 5, type: "ping" });
    expect(await client.next((m) => m.id === 5)).toEqual({ id: 5, type: "pong" });
    client.send({ id: 5, type: "ping" });
    expect(await client.next((m) => m.id === 5)).toEqual({
      id: 5,
      type: "result",
      success: false,
      error: { code: "id_reuse", message: "Identifier values have to increase." },
    });
    client.send({ id: 6, type: "no_such_thing" });
    expect(await client.next((m) => m.id === 6)).toMatchObject({
      success: false,
      error: { code: "unknown_command", message: "Unknown command." },
    });
    client.send({ id: 6, type: "ping" });
    expect(await client.next((m) => m.id === 6)).toEqual({ id: 6, type: "pong" });
  });

  it("answers malformed commands with invalid_format", async () => {
    const client = await raw();
    client.send({ type: "ping" });
    expect(await client.next((m) => m.type === "result")).toEqual({
      id: null,
      type: "result",
      success: false,
      error: { code: "invalid_format", message: "Message incorrectly formatted." },
    });
    client.send(["not an object"]);
    expect(await client.next((m) => m.type === "result")).toMatchObject({
      id: 0,
      error: { code: "invalid_format" },
    });
    client.useId(10);
    const bad = await client.command({ type: "call_service", domain: "light" });
    expect(bad).toMatchObject({ success: false, error: { code: "invalid_format" } });
  });

  it("records every command with whether it was answered, so a client left waiting shows", async () => {
    const client = await raw();
    sim.delayResponses(200);
    client.send({ id: 7, type: "get_config" });
    await until(() => sim.commands.some((c) => c.id === 7));
    expect(sim.commands.find((c) => c.id === 7)).toEqual({ type: "get_config", id: 7, answered: false });
    await client.next((m) => m.id === 7);
    expect(sim.commands.find((c) => c.id === 7)?.answered).toBe(true);
    sim.clearFaults();
    client.send({ id: 8, type: "no/such_command" });
    await client.next((m) => m.id === 8);
    expect(sim.commands.find((c) => c.id === 8)).toEqual({ type: "no/such_command", id: 8, answered: true });
    expect(sim.commandFailures.at(-1)).toMatchObject({ type: "no/such_command", code: "unknown_command" });
  });

  it("refuses a command with a key HA's schema does not declare, and does nothing for it", async () => {
    const client = await raw();
    // A common slip: `data` (the REST and YAML name) instead of `service_data`.
    const misspelt = await client.command({
      type: "call_service",
      domain: "light",
      service: "turn_on",
      data: { brightness: 10 },
      target: { entity_id: "light.bedroom" },
    });
    expect(misspelt).toMatchObject({
      success: false,
      error: { code: "invalid_format", message: "extra keys not allowed @ data['data']" },
    });
    expect(sim.calls).toEqual([]);
    expect(sim.getState("light.bedroom")?.state).toBe("off");
    const target = await client.command({
      type: "call_service",
      domain: "light",
      service: "turn_on",
      target: { entity: "light.bedroom" },
    });
    expect(target).toMatchObject({
      success: false,
      error: { code: "invalid_format", message: "extra keys not allowed @ data['target']['entity']" },
    });
    const listing = await client.command({ type: "get_states", entity_id: "light.bedroom" });
    expect(listing).toMatchObject({ success: false, error: { code: "invalid_format" } });
    // Declared keys pass, return_response included.
    const ok = await client.command({
      type: "call_service",
      domain: "light",
      service: "turn_on",
      service_data: { brightness: 10 },
      target: { entity_id: "light.bedroom" },
      return_response: false,
    });
    expect(ok).toMatchObject({ success: true });
    expect(sim.calls).toHaveLength(1);
  });

  it("processes an array of commands in order and coalesces the replies into one frame", async () => {
    const client = await raw(true);
    const before = client.frames.length;
    client.send([
      { id: 2, type: "ping" },
      { id: 3, type: "get_config" },
      { id: 4, type: "ping" },
    ]);
    await client.next((m) => m.id === 4);
    const frame = client.frames[before];
    expect(Array.isArray(frame)).toBe(true);
    expect((frame as Json[]).map((m) => m.id)).toEqual([2, 3, 4]);

    // A lone message is still a bare object.
    const single = client.frames.length;
    client.send({ id: 5, type: "ping" });
    await client.next((m) => m.id === 5);
    expect(client.frames[single]).toEqual({ id: 5, type: "pong" });
  });

  it("does not coalesce when the simulator is told not to", async () => {
    const plain = await HaSimulator.start({ coalesce: false });
    try {
      const client = await RawHaClient.ready(plain.wsUrl, plain.token, true);
      client.send([
        { id: 2, type: "ping" },
        { id: 3, type: "ping" },
      ]);
      await client.next((m) => m.id === 3);
      expect(client.frames.every((frame) => !Array.isArray(frame))).toBe(true);
      client.close();
    } finally {
      await plain.stop();
    }
  });

  it("adds `response` to call_service results only with return_response", async () => {
    const client = await raw();
    const plain = await client.command({
      type: "call_service",
      domain: "light",
      service: "turn_on",
      target: { entity_id: "light.bedroom" },
    });
    expect(plain.success).toBe(true);
    expect(Object.keys(plain.result as Json)).toEqual(["context"]);
    const withResponse = await client.command({
      type: "call_service",
      domain: "conversation",
      service: "process",
      service_data: { text: "hello" },
      return_response: true,
    });
    expect(Object.keys(withResponse.result as Json).sort()).toEqual(["context", "response"]);
  });

  it("streams compressed entity diffs with +, - and r", async () => {
    const client = await raw();
    const sub = await client.command({
      type: "subscribe_entities",
      entity_ids: ["media_player.bedroom", "light.hall"],
    });
    expect(sub).toMatchObject({ type: "result", success: true, result: null });
    const subId = sub.id;
    const snapshot = (await client.next((m) => m.id === subId && m.type === "event")).event as Json;
    const added = snapshot.a as Record<string, Json>;
    expect(Object.keys(added).sort()).toEqual(["light.hall", "media_player.bedroom"]);
    expect(added["light.hall"]).toMatchObject({ s: "on", a: { brightness: 120 } });
    expect(typeof added["light.hall"]?.lc).toBe("number");
    // Seeded with a context that has no user: the bare id.
    expect(typeof added["light.hall"]?.c).toBe("string");
    expect(added["light.hall"]).not.toHaveProperty("lu");

    await client.command({
      type: "call_service",
      domain: "media_player",
      service: "play_media",
      service_data: {
        media_content_id: "media-source://media_source/local/rain.mp3",
        media_content_type: "music",
      },
      target: { entity_id: "media_player.bedroom" },
    });
    const playing = (await client.next((m) => m.id === subId)).event as Json;
    const playDiff = (playing.c as Record<string, Json>)["media_player.bedroom"] as Json;
    expect(playDiff["+"]).toMatchObject({
      s: "playing",
      a: { media_content_id: "media-source://media_source/local/rain.mp3", media_content_type: "music" },
      c: { user_id: sim.userId },
    });
    expect(typeof (playDiff["+"] as Json).lc).toBe("number");
    expect(playDiff).not.toHaveProperty("-");

    await client.command({
      type: "call_service",
      domain: "media_player",
      service: "volume_set",
      service_data: { volume_level: 0.5 },
      target: { entity_id: "media_player.bedroom" },
    });
    const volume = (await client.next((m) => m.id === subId)).event as Json;
    const volumeDiff = (volume.c as Record<string, Json>)["media_player.bedroom"] as Json;
    // Same state: lu instead of lc, no s; same user: the context travels as a bare id.
    expect(Object.keys(volumeDiff["+"] as Json).sort()).toEqual(["a", "c", "lu"]);
    expect(typeof (volumeDiff["+"] as Json).c).toBe("string");
    expect((volumeDiff["+"] as Json).a).toEqual({ volume_level: 0.5 });

    await client.command({
      type: "call_service",
      domain: "media_player",
      service: "media_stop",
      target: { entity_id: "media_player.bedroom" },
    });
    const stopped = (await client.next((m) => m.id === subId)).event as Json;
    const stopDiff = (stopped.c as Record<string, Json>)["media_player.bedroom"] as Json;
    expect((stopDiff["+"] as Json).s).toBe("idle");
    expect((stopDiff["-"] as Json).a).toEqual(["media_content_id", "media_content_type"]);

    // Changes to entities outside the filter are not sent.
    sim.changeByHand("light.bedroom", { state: "on" });
    sim.removeEntity("light.hall");
    const removed = (await client.next((m) => m.id === subId)).event as Json;
    expect(removed).toEqual({ r: ["light.hall"] });
    sim.setState("light.hall", "on", { brightness: 10 });
    const readded = (await client.next((m) => m.id === subId)).event as Json;
    expect((readded.a as Json)["light.hall"]).toMatchObject({ s: "on", a: { brightness: 10 } });
  });

  it("rejects unsubscribe_events for an unknown subscription", async () => {
    const client = await raw();
    expect(await client.command({ type: "unsubscribe_events", subscription: 99 })).toMatchObject({
      success: false,
      error: { code: "not_found", message: "Subscription not found." },
    });
  });
});
