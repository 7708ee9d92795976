import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { type Config, parseConfig } from "../../hub/config/index.js";
import { type Clock, createRootLogger, type Logger } from "../../hub/core/index.js";
import { Hub, type HubOptions } from "../../hub/hub.js";

export const API_TOKEN = "test-token-0123456789abcdef";

export interface TestHubOptions {
  mqttUrl: string;
  base: string;
  haUrl?: string;
  haToken?: string;
  dataDir?: string;
  clientId?: string;
  yaml?: string;
  clock?: Clock;
  logger?: Logger;
  http?: boolean;
  apiPlugins?: HubOptions["apiPlugins"];
  haAuthRetryMs?: number;
  random?: HubOptions["random"];
}

export function tempDir(prefix = "calm-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function testConfig(o: TestHubOptions): Config {
  const config = parseConfig(o.yaml ?? "", {
    CALM_MQTT_URL: o.mqttUrl,
    CALM_HA_URL: o.haUrl ?? "http://127.0.0.1:9",
    ...(o.haToken ? { CALM_HA_TOKEN: o.haToken } : {}),
    CALM_DATA_DIR: o.dataDir ?? tempDir(),
    CALM_HTTP_PORT: "0",
    CALM_API_TOKEN: API_TOKEN,
  });
  config.mqtt.base_topic = o.base;
  config.mqtt.client_id = o.clientId ?? `${o.base}-hub`;
  config.home_assistant.heartbeat_s = 1;
  return config;
}

export async function startTestHub(o: TestHubOptions): Promise<Hub> {
  const hub = new Hub({
    config: testConfig(o),
    logger: o.logger ?? createRootLogger({ level: process.env.CALM_TEST_LOG ?? "silent" }),
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.http === undefined ? {} : { http: o.http }),
    ...(o.apiPlugins ? { apiPlugins: o.apiPlugins } : {}),
    ...(o.haAuthRetryMs === undefined ? {} : { haAuthRetryMs: o.haAuthRetryMs }),
    ...(o.random ? { random: o.random } : {}),
  });
  await hub.start();
  return hub;
}

/** A wearable bridge: an MQTT client that publishes readings at QoS 1. */
export async function connectWearable(
  url: string,
  clientId = `wearable-${Math.random().toString(36).slice(2, 8)}`,
): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 200 });
}

let lastTs = 0;
/** Distinct, increasing reading times: two readings of one source at the same instant are duplicates. */
export function nextTs(at = Date.now()): number {
  lastTs = Math.max(at, lastTs + 1);
  return lastTs;
}

export async function publishReading(
  client: MqttClient,
  base: string,
  person: string,
  reading: Record<string, unknown> | string,
): Promise<void> {
  const body = typeof reading === "string" ? reading : JSON.stringify({ ts: nextTs(), ...reading });
  await client.publishAsync(`${base}/${person}/wearable`, body, { qos: 1 });
}
