import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedBroker } from "../../devices/broker/index.js";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { parseConfig } from "../../hub/config/index.js";
import { silentLogger } from "../../hub/core/index.js";
import { Hub } from "../../hub/hub.js";
import { waitFor } from "../support/wait-for.js";

export const require = createRequire(import.meta.url);
export const TOKEN = "test-token-0123456789abcdef";

export interface TestHub {
  hub: Hub;
  url: string;
  token: string;
  /** The broker the hub reads wearables from. */
  mqttUrl: string;
  /** The Home Assistant simulator the hub acts on. */
  sim: HaSimulator;
  /** Service calls the simulator received, as `{action, target, data}`. */
  readonly actions: {
    action: string;
    target: Record<string, unknown> | undefined;
    data: Record<string, unknown>;
  }[];
  /** Authenticated JSON request against the hub's API. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

/** A real Hub (real API, store in a temp folder, MQTT on an embedded broker) with the two Node-RED plugins. */
export async function startTestHub(): Promise<TestHub> {
  const dir = await mkdtemp(join(tmpdir(), "calm-nodered-"));
  const broker = await startEmbeddedBroker();
  const config = parseConfig("", {
    CALM_MQTT_URL: broker.url,
    CALM_DATA_DIR: dir,
    CALM_HTTP_PORT: "0",
    CALM_API_TOKEN: TOKEN,
  });
  const sim = await HaSimulator.start();
  config.home_assistant.url = sim.url;
  config.home_assistant.token = sim.token;
  const hub = new Hub({ config, logger: silentLogger(), views: { liveHeartbeatMs: 200 } });
  await hub.start();
  await waitFor(() => hub.ha.state === "online", { what: "Home Assistant simulator" });
  const url = hub.apiUrl;
  return {
    hub,
    url,
    token: TOKEN,
    sim,
    mqttUrl: broker.url,
    /** What reached Home Assistant (the simulator), in HA's own action terms. */
    get actions() {
      return sim.calls.map((c) => ({
        action: `${c.domain}.${c.service}`,
        target: c.target,
        data: c.service_data,
      }));
    },
    async api(method, path, body) {
      const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
      if (body !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(url + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async stop() {
      await hub.stop();
      await sim.stop();
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The parts of node-red-node-test-helper these tests use (the package ships no types). */
export interface NodeTestHelper {
  init(runtimePath: string, settings?: Record<string, unknown>): void;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  load(nodes: unknown[], flow: object[], credentials?: Record<string, unknown>): Promise<void>;
  setFlows(
    flow: object[],
    type: "full" | "flows" | "nodes",
    credentials?: Record<string, unknown>,
  ): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): TestNode | null;
}

export interface TestNode {
  id: string;
  on(event: string, listener: (...args: never[]) => void): void;
  receive(msg: object): void;
  status: { args: unknown[][] } & ((s: object) => void);
  error: { args: unknown[][] } & ((e: unknown, msg?: object) => void);
}

export const helper = require("node-red-node-test-helper") as NodeTestHelper;

const nodesDir = new URL("../../flows/nodes/", import.meta.url);
/** The package's node modules, loaded the way Node-RED loads them (require). */
export const calmNodes = ["calm-hub.cjs", "calm-rule.cjs", "calm-event-in.cjs", "calm-action.cjs"].map((f) =>
  require(new URL(f, nodesDir).pathname),
);

/** The last status text a node showed (the helper spies on node.status). */
export function lastStatus(node: TestNode | null): { fill?: string; text?: string } | undefined {
  const calls = node?.status.args ?? [];
  return calls[calls.length - 1]?.[0] as { fill?: string; text?: string } | undefined;
}
