import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import type { EpisodeView } from "../../hub/api/views.js";
import { type ConfigInput, ConfigSchema } from "../../hub/config/index.js";
import { silentLogger } from "../../hub/core/index.js";
import { Hub, type HubOptions } from "../../hub/hub.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { SkewClock } from "../support/skew-clock.js";

export const TOKEN = "test-token-0123456789abcdef";
export const AUTH = { authorization: `Bearer ${TOKEN}` };

/**
 * Episodes through the hub's real episode manager, placed in time: the hub runs on a SkewClock so that an
 * episode can be started or stopped "an hour ago" for the chart and the lists.
 */
export interface FixtureEpisodes {
  start(person: string, roomName: string, reason: string, at?: number): Promise<EpisodeView>;
  stopEpisode(id: string, at?: number): Promise<boolean>;
  listEpisodes(): EpisodeView[];
}

function fixtureEpisodes(hub: Hub, clock: SkewClock): FixtureEpisodes {
  const roomId = (name: string): string =>
    Object.entries(hub.config.rooms).find(([id, r]) => (r.name ?? id) === name || id === name)?.[0] ?? name;
  const at = async <T>(time: number | undefined, fn: () => Promise<T>): Promise<T> => {
    clock.offsetMs = time === undefined ? 0 : time - Date.now();
    try {
      return await fn();
    } finally {
      clock.offsetMs = 0;
    }
  };
  const list = (): EpisodeView[] => hub.episodeSource.listEpisodes();
  return {
    async start(person, roomName, reason, time) {
      const r = await at(time, () => hub.episodes.startEpisode({ person, room: roomId(roomName), reason }));
      if (!r.ok) throw new Error(r.reason);
      const view = list().find((e) => e.id === r.episode.id);
      if (!view) throw new Error("episode not listed");
      return view;
    },
    stopEpisode: (id, time) => at(time, async () => (await hub.episodes.stopEpisode({ id })) !== undefined),
    listEpisodes: list,
  };
}

export interface HubFixture {
  hub: Hub;
  broker: TestBroker;
  base: string;
  prefix: string;
  episodes: FixtureEpisodes;
  stop(): Promise<void>;
}

/** A real Hub on a real broker (aedes, or the CI Mosquitto), HTTP on a free port, Home Assistant not configured. */
export async function startHub(
  overrides: Partial<ConfigInput> = {},
  options: Partial<HubOptions> = {},
): Promise<HubFixture> {
  const broker = await startTestBroker();
  const base = broker.base;
  const prefix = `${base}-ha`;
  const dataDir = mkdtempSync(join(tmpdir(), "calm-hub-test-"));
  const config = ConfigSchema.parse({
    data_dir: dataDir,
    mqtt: { url: broker.url, base_topic: base, client_id: `hub_${base}`, discovery_prefix: prefix },
    http: { port: 0, token: TOKEN },
    people: { alice: { name: "Alice", room: "living_room" }, bob: { name: "Bob", room: "study" } },
    rooms: {
      living_room: { name: "Living room", people: ["alice"] },
      study: { name: "Study", people: ["bob"] },
    },
    ...overrides,
  });
  const clock = new SkewClock();
  const hub = new Hub({
    config,
    clock,
    logger: silentLogger(),
    views: { birthDelayMs: () => 0, liveHeartbeatMs: 1_000 },
    ...options,
  });
  await hub.start();
  const episodes = fixtureEpisodes(hub, clock);
  return {
    hub,
    broker,
    base,
    prefix,
    episodes,
    async stop() {
      await hub.stop();
      await broker.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function connectClient(url: string, id: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId: id, clean: true, reconnectPeriod: 0 });
}
