import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import type { EpisodeSource, EpisodeView } from "../../hub/api/views.js";
import { type ConfigInput, ConfigSchema } from "../../hub/config/index.js";
import { silentLogger } from "../../hub/core/index.js";
import { Hub, type HubOptions } from "../../hub/hub.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";

export const TOKEN = "test-token-0123456789abcdef";
export const AUTH = { authorization: `Bearer ${TOKEN}` };

/** A small, real episodes component: enough for the dashboard until hub/episodes/ lands. */
export class TestEpisodes implements EpisodeSource {
  private readonly episodes: EpisodeView[] = [];
  private readonly listeners = new Set<(e: EpisodeView) => void>();
  private seq = 0;

  start(person: string, room: string, reason: string, at = Date.now()): EpisodeView {
    const e: EpisodeView = { id: `ep${++this.seq}`, person, room, started_at: at, state: "active", reason };
    this.episodes.push(e);
    this.emit(e);
    return e;
  }

  listEpisodes(): EpisodeView[] {
    return this.episodes.map((e) => ({ ...e }));
  }

  async stopEpisode(id: string, at = Date.now()): Promise<boolean> {
    const e = this.episodes.find((x) => x.id === id);
    if (!e || e.ended_at !== undefined) return false;
    e.ended_at = at;
    e.state = "stopped";
    this.emit(e);
    return true;
  }

  onEpisode(listener: (e: EpisodeView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: EpisodeView): void {
    for (const l of this.listeners) l({ ...e });
  }
}

export interface HubFixture {
  hub: Hub;
  broker: TestBroker;
  base: string;
  prefix: string;
  episodes: TestEpisodes;
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
  const episodes = new TestEpisodes();
  const hub = new Hub({
    config,
    logger: silentLogger(),
    episodeSource: episodes,
    views: { birthDelayMs: () => 0, liveHeartbeatMs: 1_000 },
    ...options,
  });
  await hub.start();
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
