import { randomUUID } from "node:crypto";
import { startEmbeddedBroker } from "../../devices/broker/index.js";

export interface TestBroker {
  url: string;
  /** A topic prefix unique to this test, so tests sharing Mosquitto never see each other's retained messages. */
  base: string;
  kind: "aedes" | "external";
  stop(): Promise<void>;
}

/**
 * The broker integration tests run against: Mosquitto (or any broker) at MQTT_TEST_URL when set, which CI
 * sets, else an in-process aedes broker.
 */
export async function startTestBroker(): Promise<TestBroker> {
  const base = `t${randomUUID().slice(0, 8)}`;
  const external = process.env.MQTT_TEST_URL;
  if (external) return { url: external, base, kind: "external", stop: async () => {} };
  const broker = await startEmbeddedBroker();
  return { url: broker.url, base, kind: "aedes", stop: () => broker.stop() };
}

/** Under CI=true a missing peer is a failure, never a silent skip. */
export function requirePeerInCi(available: boolean, what: string): boolean {
  if (!available && process.env.CI === "true")
    throw new Error(`${what} is required under CI=true but is not available`);
  return available;
}
