// Adaptive recipes end to end: two simulated people who calm faster under their own best recipe, sensing only
// what Home Assistant shows (the light's brightness, what the speaker plays). After a few episodes each, the
// hub's choice moves toward each person's best recipe; outcomes are stored, served, exported and deleted.
// Actors: wearable (MQTT client), broker (aedes or MQTT_TEST_URL), hub (fake clock, SQLite on disk, seeded
// bandit), ha (the simulator, speaking the real protocol through home-assistant-js-websocket).
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { nextScore, type Preference, senseRoom } from "../../devices/wearable-sim/index.js";
import { FakeClock } from "../../hub/core/index.js";
import type { Hub } from "../../hub/hub.js";
import { OUTCOME_SCOPE, seededRandom } from "../../hub/learn/index.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { API_TOKEN, connectWearable, startTestHub, tempDir } from "../support/hub.js";
import { passTime, waitFor } from "../support/wait-for.js";

const HOME = `
rooms:
  living_room:
    lights: [light.living_room]
    media_player: media_player.living_room
    people: [alice, bob]
people:
  alice: { room: living_room, recipes: [standard, dim_rain, dim_quiet] }
  bob: { room: living_room, recipes: [standard, dim_rain, dim_quiet] }
episodes: { transition_s: 0, volume_step_s: 1, calm_for_s: 30, max_duration_min: 25 }
learning: { enabled: true, exploration: 0.05 }
rules:
  - { id: calm-episode, trigger: { type: level, to: high }, cooldown_s: 0, ttl_s: 30, actions: [{ action: calm.start_episode }] }
`;
const PREFERS: Record<string, Preference> = {
  alice: { sound: "rain" },
  bob: { sound: null, max_brightness: 60 },
};
const BEST: Record<string, string> = { alice: "dim_rain", bob: "dim_quiet" };
const headers = { authorization: `Bearer ${API_TOKEN}` };

let broker: TestBroker;
let sim: HaSimulator;
let wearable: MqttClient;
let hub: Hub;
const clock = new FakeClock(Date.parse("2026-11-27T10:00:00+01:00"));

beforeAll(async () => {
  broker = await startTestBroker();
  wearable = await connectWearable(broker.url);
  sim = await HaSimulator.start();
  hub = await startTestHub({
    mqttUrl: broker.url,
    base: `${broker.base}learn`,
    haUrl: sim.url,
    haToken: sim.token,
    clock,
    dataDir: tempDir(),
    yaml: HOME,
    random: seededRandom(42),
  });
  await waitFor(() => hub.ha.state === "online" && hub.ha.getEntity("light.living_room"), { what: "HA" });
});
afterAll(async () => {
  await hub?.stop();
  await sim?.stop();
  await wearable?.endAsync();
  await broker?.stop();
});

async function reading(person: string, stress: number): Promise<void> {
  const before = hub.ingest.counters.accepted;
  await wearable.publishAsync(
    `${hub.config.mqtt.base_topic}/${person}/wearable`,
    JSON.stringify({ ts: clock.now(), stress: Math.round(stress) }),
    { qos: 1 },
  );
  await waitFor(() => hub.ingest.counters.accepted > before, { what: "reading processed" });
}

/** One stressful moment: high stress, then the person's score follows what the room does, 30 s a reading. */
async function episode(person: string): Promise<string> {
  // The last episode's sound has faded out and the hub has seen it: a speaker still playing would keep the
  // next recipe's soundscape from starting.
  await waitFor(
    () =>
      sim.getState("media_player.living_room")?.state !== "playing" &&
      hub.ha.getEntity("media_player.living_room")?.state !== "playing",
    { what: "speaker quiet" },
  );
  await passTime(clock, 1_000, 1_000);
  await reading(person, 92);
  await waitFor(() => hub.episodes.activeEpisodes().some((e) => e.person === person), { what: "episode" });
  // Every recipe here dims the light: once it is dim in Home Assistant, the start calls have landed.
  await waitFor(() => Number(sim.getState("light.living_room")?.attributes.brightness) < 200, {
    what: "light dimmed",
  });
  const started = clock.now();
  let score = 92;
  const running = () => hub.episodes.activeEpisodes().some((e) => e.person === person);
  // Past the 15-minute window, and until the episode has ended (it ends by itself at max_duration_min).
  while (clock.now() - started < 16 * 60_000 || running()) {
    await passTime(clock, 30_000, 10_000);
    const sense = senseRoom(sim.getState("light.living_room"), sim.getState("media_player.living_room"));
    score = nextScore(score, PREFERS[person] as Preference, sense, 30_000, 0);
    await reading(person, score);
  }
  await waitFor(() => hub.episodes.activeEpisodes().length === 0, { what: "episode ended" });
  // The speaker fades out and the room settles before the next moment.
  await passTime(clock, 60_000, 10_000);
  const outcome = hub.learning.outcomes(person, 1)[0];
  if (!outcome) throw new Error("no outcome stored");
  return outcome.recipe_id;
}

describe("learning what calms each person", () => {
  it("moves each person's recipe toward the one that calms them, and keeps the outcomes per person", async () => {
    const picks: Record<string, string[]> = { alice: [], bob: [] };
    for (let i = 0; i < 7; i++)
      for (const person of ["alice", "bob"]) picks[person]?.push(await episode(person));

    for (const person of ["alice", "bob"]) {
      const mine = picks[person] ?? [];
      const best = (xs: string[]) => xs.filter((x) => x === BEST[person]).length;
      // Later episodes use the best recipe more than the first ones did (the bandit starts with no data).
      expect(best(mine.slice(-3))).toBeGreaterThanOrEqual(2);
      expect(best(mine.slice(-3)) / 3).toBeGreaterThan(best(mine.slice(0, 3)) / 3 - 0.01);
      const outcomes = hub.learning.outcomes(person);
      expect(outcomes).toHaveLength(7);
      const ran = outcomes.find((o) => o.recipe_id === BEST[person]);
      expect(ran?.window_complete).toBe(true);
      expect(ran?.minutes_to_calm).not.toBeNull();
      const slow = outcomes.find((o) => o.recipe_id !== BEST[person] && o.minutes_to_calm !== null);
      if (slow && ran) expect(ran.minutes_to_calm ?? 99).toBeLessThan(slow.minutes_to_calm ?? 0);
    }

    // The reason is in words in the action log.
    const summaries = hub.store.actions.recent(500, "alice").map((a) => a.trigger.cause?.summary ?? "");
    expect(
      summaries.some((s) => /rain and dim lights: calm in \d+ min on average for you, \d+ runs/.test(s)),
    ).toBe(true);

    const api = hub.api;
    if (!api) throw new Error("no API");
    const served = (
      await api.inject({ method: "GET", url: "/api/people/alice/outcomes", headers })
    ).json() as {
      outcomes: { recipe_id: string }[];
    };
    expect(served.outcomes).toHaveLength(7);
    const recipes = (await api.inject({ method: "GET", url: "/api/recipes", headers })).json() as {
      id: string;
      people: { person: string; runs: number }[];
    }[];
    const rain = recipes.find((r) => r.id === "dim_rain");
    expect(rain?.people.find((p) => p.person === "alice")?.runs).toBe(
      (picks.alice ?? []).filter((x) => x === "dim_rain").length,
    );

    const exported = (
      await api.inject({ method: "GET", url: "/api/people/alice/export", headers })
    ).json() as {
      documents: { scope: string }[];
    };
    expect(exported.documents.filter((d) => d.scope === OUTCOME_SCOPE)).toHaveLength(7);
    expect((await api.inject({ method: "DELETE", url: "/api/people/alice/data", headers })).statusCode).toBe(
      200,
    );
    expect(hub.learning.outcomes("alice")).toEqual([]);
    expect(hub.learning.outcomes("bob")).toHaveLength(7);
  }, 240_000);

  it("measures what the person's stress did when an episode was held back, and compares episodes with it", async () => {
    hub.controls.setPaused(true, "test");
    await reading("bob", 92);
    const at = clock.now();
    for (let t = 0; t < 16 * 60_000; t += 30_000) {
      await passTime(clock, 30_000, 10_000);
      await reading("bob", 80);
    }
    expect(hub.episodes.activeEpisodes()).toEqual([]);
    const [held] = hub.learning.comparisons("bob");
    expect(held).toMatchObject({ person: "bob", why: "automation is paused", window_complete: true });
    expect(held?.at).toBe(at);
    // About 80 score points for 15 minutes.
    expect(held?.auc_15min).toBeGreaterThan(1100);
    hub.controls.setPaused(false, "test");

    // Calm again first, so that the next high reading is a new moment for the rule.
    for (let i = 0; i < 6; i++) {
      await passTime(clock, 30_000, 10_000);
      await reading("bob", 20);
    }
    await episode("bob");
    const [latest] = hub.learning.outcomes("bob", 1);
    expect(latest?.comparison?.moments).toBe(1);
    expect(latest?.auc_vs_comparison).toBeGreaterThan(0);
  }, 120_000);

  it("edits recipes through the API with the config's checks, and keeps config recipes read-only", async () => {
    const api = hub.api;
    if (!api) throw new Error("no API");
    const put = (id: string, payload: unknown) =>
      api.inject({ method: "PUT", url: `/api/recipes/${id}`, headers, payload: payload as object });
    const unknownSound = await put("waves", { title: "waves", soundscape: "waves" });
    expect(unknownSound.statusCode).toBe(400);
    expect(unknownSound.json().message).toMatch(/unknown soundscape "waves"/);
    expect((await put("too_bright", { light: { brightness_pct: 300 } })).statusCode).toBe(400);
    expect((await put("Bad-Id", { soundscape: null })).statusCode).toBe(400);

    const ok = await put("ocean_dim", {
      title: "ocean, very dim",
      light: { brightness_pct: 10 },
      soundscape: "ocean",
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ id: "ocean_dim", source: "api", recipe: { breathing_pacer: false } });
    const listed = (await api.inject({ method: "GET", url: "/api/recipes", headers })).json() as {
      id: string;
      source: string;
    }[];
    expect(listed.find((r) => r.id === "ocean_dim")?.source).toBe("api");
    expect(listed.find((r) => r.id === "dim_rain")?.source).toBe("config");

    const configOne = await api.inject({ method: "DELETE", url: "/api/recipes/dim_rain", headers });
    expect(configOne.statusCode).toBe(409);
    expect(configOne.json().code).toBe("CALM_ERR_RECIPE_IN_CONFIG");
    expect((await api.inject({ method: "DELETE", url: "/api/recipes/ocean_dim", headers })).statusCode).toBe(
      200,
    );
    expect((await api.inject({ method: "DELETE", url: "/api/recipes/ocean_dim", headers })).statusCode).toBe(
      404,
    );
    expect(hub.learning.recipe("ocean_dim")).toBeUndefined();
  });

  it("runs what the chosen recipe says: its soundscape, the breathing guide, no friend nudge", async () => {
    const only = await startTestHub({
      mqttUrl: broker.url,
      base: `${broker.base}learn-breathe`,
      haUrl: sim.url,
      haToken: sim.token,
      clock,
      yaml: HOME.replaceAll("recipes: [standard, dim_rain, dim_quiet]", "recipes: [ocean_breathe]"),
      random: seededRandom(1),
    });
    try {
      await waitFor(() => only.ha.state === "online" && only.ha.getEntity("light.living_room"), {
        what: "HA",
      });
      await passTime(clock, 1_000, 1_000);
      const before = only.ingest.counters.accepted;
      await wearable.publishAsync(
        `${only.config.mqtt.base_topic}/alice/wearable`,
        JSON.stringify({ ts: clock.now(), stress: 92, resp: 10, hr: 72 }),
        { qos: 1 },
      );
      await waitFor(() => only.ingest.counters.accepted > before, { what: "reading processed" });
      await waitFor(() => only.breathing.paceOf("alice") !== undefined, { what: "breathing guide" });
      await waitFor(
        () => String(sim.getState("media_player.living_room")?.attributes.media_content_id).includes("ocean"),
        { what: "ocean playing" },
      );
      expect(only.episodes.friendNudgeAllowed("alice")).toBe(false);
      const [active] = only.episodes.activeEpisodes();
      expect(only.episodes.recipeOf(active?.id ?? "")?.id).toBe("ocean_breathe");

      await only.episodes.stopEpisode({ person: "alice" }, "stopped", {
        kind: "voice",
        why: "Alice said stop",
      });
      expect(only.breathing.paceOf("alice")).toBeUndefined();
      expect(only.episodes.friendNudgeAllowed("alice")).toBe(true);
      expect(only.learning.outcomes("alice", 1)[0]).toMatchObject({
        recipe_id: "ocean_breathe",
        stopped_by_person: true,
        end_reason: "stopped",
      });
    } finally {
      await only.stop();
    }
  });
});
