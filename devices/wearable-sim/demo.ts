/**
 * Demo wearables: stress starts rising about 10 s after start and peaks about 12 s later.
 * Run after `npm run build`: `node dist/devices/wearable-sim/demo.js [brokerUrl] [person,...]`
 * (defaults: $CALM_MQTT_URL or mqtt://127.0.0.1:1883, and "alex,sam"; only the first person gets
 * the demo episode, the others stay calm).
 */
import { pathToFileURL } from "node:url";
import { DEMO_EPISODES, DEMO_TIME_SCALE } from "./model.js";
import type { SimMqttClient } from "./simulator.js";
import { WearableSimulator } from "./simulator.js";

export interface DemoOptions {
  brokerUrl?: string;
  client?: SimMqttClient;
  people?: readonly string[];
  /** default 2000 ms, so the episode is visible in a handful of readings */
  intervalMs?: number;
  seed?: number;
}

export function createDemoSimulator(opts: DemoOptions = {}): WearableSimulator {
  const people = opts.people ?? ["alex", "sam"];
  return new WearableSimulator({
    brokerUrl: opts.brokerUrl,
    client: opts.client,
    intervalMs: opts.intervalMs ?? 2000,
    seed: opts.seed ?? 7,
    people: people.map((person, i) => ({
      person,
      timeScale: DEMO_TIME_SCALE,
      episodes: i === 0 ? DEMO_EPISODES : [],
      vendorStress: true,
    })),
  });
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const brokerUrl = process.argv[2] ?? process.env.CALM_MQTT_URL ?? "mqtt://127.0.0.1:1883";
  const people = process.argv[3]?.split(",").filter(Boolean);
  const sim = createDemoSimulator({ brokerUrl, people });
  const stop = (): void => {
    void sim.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  await sim.start();
  console.log(`wearable-sim: publishing ${sim.models.map((m) => sim.topicFor(m.person)).join(", ")}`);
}
