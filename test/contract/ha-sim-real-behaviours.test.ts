// The simulator's models of what real Home Assistant does beyond answering calls, seen through the real
// home-assistant-js-websocket client: contexts that stick for 5 s only, late device echoes, automations with
// child contexts, restarts through `unavailable`, chatty speakers, derived colours, Python's rounding.
import {
  type Connection,
  callService,
  createConnection,
  createLongLivedTokenAuth,
  getStates,
  type HassEntities,
  type HassEntity,
  subscribeEntities,
} from "home-assistant-js-websocket";
import { afterEach, describe, expect, it } from "vitest";
import { CONTEXT_RECENT_MS, HaSimulator, type HaSimulatorOptions } from "../../devices/ha-sim/index.js";
import { FakeClock } from "../../hub/core/index.js";
import { waitFor } from "../support/wait-for.js";

type Ctx = { id: string; parent_id: string | null; user_id: string | null };

let sim: HaSimulator | undefined;
let conn: Connection | undefined;
let clock: FakeClock;

async function start(options: HaSimulatorOptions = {}): Promise<{ sim: HaSimulator; conn: Connection }> {
  clock = new FakeClock(Date.parse("2026-11-27T19:00:00Z"));
  sim = await HaSimulator.start({ clock, ...options });
  conn = await createConnection({ auth: createLongLivedTokenAuth(sim.url, sim.token) });
  return { sim, conn };
}

/** Every version of each entity the client was sent, in order. */
function watch(c: Connection): Map<string, HassEntity[]> {
  const seen = new Map<string, HassEntity[]>();
  const last = new Map<string, HassEntity>();
  subscribeEntities(c, (entities: HassEntities) => {
    for (const [id, e] of Object.entries(entities)) {
      if (last.get(id) === e) continue;
      last.set(id, e);
      seen.set(id, [...(seen.get(id) ?? []), e]);
    }
  });
  return seen;
}

afterEach(async () => {
  conn?.close();
  conn = undefined;
  await sim?.stop();
  sim = undefined;
});

describe("real Home Assistant behaviours in the simulator", () => {
  it("keeps a call's context on an entity for 5 s only; later integration writes get a fresh one", async () => {
    const { sim, conn } = await start();
    const result = (await callService(
      conn,
      "light",
      "turn_on",
      { brightness: 90 },
      {
        entity_id: "light.living_room",
      },
    )) as { context: Ctx };
    clock.advance(CONTEXT_RECENT_MS - 1000);
    sim.setState("light.living_room", "on", {
      ...sim.getState("light.living_room")?.attributes,
      brightness: 91,
    });
    expect(sim.getState("light.living_room")?.context.id).toBe(result.context.id);
    clock.advance(2000);
    sim.setState("light.living_room", "on", {
      ...sim.getState("light.living_room")?.attributes,
      brightness: 92,
    });
    const late = sim.getState("light.living_room")?.context;
    expect(late?.id).not.toBe(result.context.id);
    expect(late).toMatchObject({ user_id: null, parent_id: null });
  });

  it("models a Zigbee light that reports mid-fade, then its final value a second after the fade, one off, with a fresh context", async () => {
    const { sim, conn } = await start();
    const seen = watch(conn);
    await waitFor(() => seen.has("light.hall"), { what: "snapshot" });
    const result = (await callService(
      conn,
      "light",
      "turn_on",
      { brightness_pct: 50, transition: 4 },
      {
        entity_id: "light.hall",
      },
    )) as { context: Ctx };
    expect(sim.getState("light.hall")?.attributes.brightness).toBe(128); // 127.5, half to even
    clock.advance(2000);
    await waitFor(() => seen.get("light.hall")?.at(-1)?.attributes.brightness === 124, {
      what: "mid-fade report",
    });
    expect(seen.get("light.hall")?.at(-1)?.context.id).toBe(result.context.id);
    clock.advance(3000);
    await waitFor(() => seen.get("light.hall")?.at(-1)?.attributes.brightness === 129, { what: "late echo" });
    const echo = seen.get("light.hall")?.at(-1)?.context;
    expect(echo?.id).not.toBe(result.context.id);
    expect(echo).toMatchObject({ user_id: null, parent_id: null });
  });

  it("runs a household automation with a child context: parent_id is the triggering change's, no user", async () => {
    const { sim, conn } = await start({
      automations: [
        {
          id: "hall_follows_living_room",
          trigger: { entity_id: "light.living_room" },
          action: {
            domain: "light",
            service: "turn_on",
            target: { entity_id: "light.hall" },
            data: { brightness: 50 },
          },
        },
      ],
    });
    const seen = watch(conn);
    await waitFor(() => seen.has("light.hall"), { what: "snapshot" });
    const result = (await callService(
      conn,
      "light",
      "turn_on",
      { brightness: 60 },
      {
        entity_id: "light.living_room",
      },
    )) as { context: Ctx };
    await waitFor(() => seen.get("light.hall")?.at(-1)?.attributes.brightness === 50, {
      what: "automation ran",
    });
    expect(seen.get("light.hall")?.at(-1)?.context).toMatchObject({
      parent_id: result.context.id,
      user_id: null,
    });
    expect(sim.automationRuns).toHaveLength(1);
  });

  it("passes entities through unavailable on a restart; they come back as they were with fresh contexts", async () => {
    const { sim, conn } = await start();
    const seen = watch(conn);
    await waitFor(() => seen.has("light.living_room"), { what: "snapshot" });
    const before = sim.getState("light.living_room");
    await sim.restart({ startingMs: 1500 });
    await waitFor(
      () => {
        const states = (seen.get("light.living_room") ?? []).map((e) => e.state);
        return states.includes("unavailable") && states.at(-1) === "on";
      },
      { what: "unavailable, then back", timeoutMs: 8000 },
    );
    const back = seen.get("light.living_room")?.at(-1);
    expect(back?.attributes.brightness).toBe(before?.attributes.brightness);
    expect(back?.context.id).not.toBe(before?.context.id);
    expect(back?.context).toMatchObject({ user_id: null, parent_id: null });
    // Presence is restored state, not an integration: it never goes unavailable.
    expect((seen.get("person.alice") ?? []).some((e) => e.state === "unavailable")).toBe(false);
  });

  it("lets a chatty speaker update its position, title and artwork on its own while playing", async () => {
    const { sim, conn } = await start();
    await callService(
      conn,
      "media_player",
      "play_media",
      { media_content_id: "rain.mp3", media_content_type: "music" },
      {
        entity_id: "media_player.living_room",
      },
    );
    const playing = sim.getState("media_player.living_room");
    clock.advance(10_000);
    const tick = sim.getState("media_player.living_room");
    expect(tick?.attributes.media_position).toBe(10);
    expect(tick?.context.id).not.toBe(playing?.context.id);
    expect(tick?.attributes.volume_level).toBe(playing?.attributes.volume_level);
    clock.advance(20_000);
    expect(sim.getState("media_player.living_room")?.attributes).toMatchObject({
      media_position: 30,
      media_title: expect.stringContaining("(part 2)"),
      entity_picture: expect.any(String),
    });
    await callService(conn, "media_player", "media_stop", undefined, {
      entity_id: "media_player.living_room",
    });
    const stopped = sim.getState("media_player.living_room")?.last_updated;
    clock.advance(60_000);
    expect(sim.getState("media_player.living_room")?.last_updated).toBe(stopped);
  });

  it("reports hs, rgb and xy for a colour-temperature light, derived from its temperature; null when off", async () => {
    const { conn } = await start();
    const states = await getStates(conn);
    const on = states.find((s) => s.entity_id === "light.living_room");
    if (!on) throw new Error("no light.living_room");
    expect(on.attributes).toMatchObject({ color_mode: "color_temp", color_temp_kelvin: 3000 });
    const [hue, sat] = on.attributes.hs_color as [number, number];
    expect(hue).toBeGreaterThan(20);
    expect(hue).toBeLessThan(40); // warm white: orange hue
    expect(sat).toBeGreaterThan(30);
    expect((on.attributes.rgb_color as number[])[0]).toBe(255);
    expect(on.attributes.xy_color).toHaveLength(2);
    const off = states.find((s) => s.entity_id === "light.bedroom");
    expect(off?.attributes).toMatchObject({ hs_color: null, rgb_color: null, xy_color: null });
  });

  it("converts brightness_pct the way Python rounds: halves to the even neighbour", async () => {
    const { sim, conn } = await start();
    for (const [pct, brightness] of [
      [70, 178],
      [10, 26],
      [30, 76],
      [33, 84],
    ] as const) {
      await callService(conn, "light", "turn_on", { brightness_pct: pct }, { entity_id: "light.bedroom" });
      expect(sim.getState("light.bedroom")?.attributes.brightness).toBe(brightness);
    }
  });
});
