/**
 * One bench process. The orchestrator (harness.ts) forks this file with a role, so that the publisher, the
 * system under test (SUT) and the broker never share an event loop with each other or with the HA simulator.
 *
 * Roles: publisher | hub | floor | nodered | nodered-ha | aedes | soak. Every SUT answers the same IPC requests
 * (`begin`, `stats`, `stop`) and reports its own CPU (process.cpuUsage) and peak RSS (resourceUsage.maxRSS).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Connection } from "home-assistant-js-websocket";
import type { ChildRequest, ChildResponse, PublisherResult, SutSpec, SutStats } from "./types.js";
import { cooldownVerdict, isCrossing, LOW, personId, stressFor } from "./workload.js";

// Each role imports only what it uses (below, on demand), so that a SUT's memory is its own and not
// that of every other role's libraries.

const role = process.argv[2] ?? "";
const spec = JSON.parse(process.argv[3] ?? "{}") as SutSpec;
const cooldownMs = (spec.cooldownS ?? 60) * 1000;

function send(msg: ChildResponse): void {
  process.send?.(msg);
}

/** Counters every SUT keeps; `begin` zeroes them and takes the CPU baseline. */
class Meter {
  processed = 0;
  /** Publish → SUT receipt (from the reading's ts), and publish → decision, for every reading / crossing. */
  readonly receiptLag: number[] = [];
  readonly decisionLag: number[] = [];
  firstAt = 0;
  lastAt = 0;
  private cpu = process.cpuUsage();
  private beganAt = Date.now();
  tick(): void {
    const now = Date.now();
    if (this.processed === 0) this.firstAt = now;
    this.processed++;
    this.lastAt = now;
  }
  begin(): void {
    this.processed = 0;
    this.receiptLag.length = 0;
    this.decisionLag.length = 0;
    this.firstAt = 0;
    this.lastAt = 0;
    this.cpu = process.cpuUsage();
    this.beganAt = Date.now();
  }
  stats(extra: Partial<SutStats> = {}): SutStats {
    const cpu = process.cpuUsage(this.cpu);
    const mem = process.memoryUsage();
    return {
      processed: this.processed,
      firstAt: this.firstAt,
      lastAt: this.lastAt,
      beganAt: this.beganAt,
      cpuUserS: cpu.user / 1e6,
      cpuSystemS: cpu.system / 1e6,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      rssMb: mem.rss / 1048576,
      heapUsedMb: mem.heapUsed / 1048576,
      receiptLagMs: summarize(this.receiptLag),
      decisionLagMs: summarize(this.decisionLag),
      ...extra,
    };
  }
}

function summarize(values: number[]): { p50: number; p99: number; n: number } | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p99: at(0.99), n: sorted.length };
}

interface Sut {
  meter: Meter;
  stop(): Promise<void>;
  extra?(): Partial<SutStats>;
}

function serve(sut: Sut): void {
  process.on("message", (raw) => {
    const req = raw as ChildRequest;
    if (req.type === "begin") {
      sut.meter.begin();
      send({ type: "begun" });
    } else if (req.type === "stats") {
      send({ type: "stats", stats: sut.meter.stats(sut.extra?.() ?? {}) });
    } else if (req.type === "stop") {
      const final = sut.meter.stats(sut.extra?.() ?? {});
      void sut.stop().then(
        () => {
          send({ type: "stopped", stats: final });
          setTimeout(() => process.exit(0), 50);
        },
        (err: unknown) => {
          send({ type: "error", message: `stop failed: ${String(err)}` });
          setTimeout(() => process.exit(1), 50);
        },
      );
    }
  });
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// --- the hub ------------------------------------------------------------------------------------------

async function startHub(): Promise<Sut> {
  const { pino } = await import("pino");
  const { parseConfig } = await import("../../hub/config/index.js");
  const { createRootLogger } = await import("../../hub/core/index.js");
  const { Hub } = await import("../../hub/hub.js");
  const dataDir = mkdtempSync(join(tmpdir(), "calm-bench-hub-"));
  const yaml = [
    "ingest: { max_people: 100000 }",
    "rules:",
    "  - id: bench-scene",
    "    trigger: { type: stress, above: 70 }",
    `    cooldown_s: ${spec.cooldownS ?? 60}`,
    "    ttl_s: 30",
    "    actions:",
    "      - action: scene.turn_on",
    "        target: { entity_id: 'scene.calm_{person}' }",
  ].join("\n");
  const config = parseConfig(yaml, {
    CALM_MQTT_URL: spec.mqttUrl,
    CALM_HA_URL: spec.haUrl,
    CALM_HA_TOKEN: spec.haToken,
    CALM_DATA_DIR: dataDir,
    CALM_HTTP_PORT: "0",
    CALM_API_TOKEN: "bench-token-0123456789abcdef",
  });
  config.mqtt.base_topic = spec.base;
  config.mqtt.client_id = spec.clientId;
  // The hub logs as in production (info, pino, asynchronous) — to a file, so the cost is real but the
  // terminal stays readable.
  const logFile = join(dataDir, "hub.log");
  const logger = createRootLogger({
    level: spec.logLevel ?? "info",
    destination: pino.destination({ dest: logFile, sync: false }) as unknown as NodeJS.WritableStream,
  });
  const hub = new Hub({ config, logger, http: false });
  const meter = new Meter();
  hub.events.on("sample", (item) => {
    meter.tick();
    if (meter.receiptLag.length < 1_000_000) meter.receiptLag.push(Date.now() - item.sample.measured_at);
  });
  hub.events.on("decision", (d) => {
    const at = d.actions[0]?.trigger.at;
    if (at !== undefined && meter.decisionLag.length < 1_000_000) meter.decisionLag.push(Date.now() - at);
  });
  await hub.start();
  await waitUntil(() => hub.ha.state === "online", 15_000, "Home Assistant link");
  return {
    meter,
    extra: () => ({
      accepted: hub.ingest.counters.accepted,
      rejected: Object.values(hub.ingest.counters.rejected).reduce((a, b) => a + b, 0),
    }),
    async stop() {
      await hub.stop();
      logger.flush();
      if (!spec.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// --- the raw floor: what any program has to do, and nothing else ------------------------------------

async function startFloor(): Promise<Sut> {
  const { createConnection, createLongLivedTokenAuth, callService } = await import(
    "home-assistant-js-websocket"
  );
  const { default: mqtt } = await import("mqtt");
  const meter = new Meter();
  const conn: Connection = await createConnection({
    auth: createLongLivedTokenAuth(spec.haUrl, spec.haToken),
  });
  const previous = new Map<string, number>();
  const lastCall = new Map<string, number>();
  let errors = 0;
  // The same session and flow control as the hub: MQTT 5 with a receive maximum where the broker speaks it.
  const v5 = spec.broker === "mosquitto";
  const client = await mqtt.connectAsync(spec.mqttUrl, {
    clientId: spec.clientId,
    clean: false,
    reconnectPeriod: 1000,
    ...(v5
      ? { protocolVersion: 5, properties: { sessionExpiryInterval: 0xffff_ffff, receiveMaximum: 10_000 } }
      : {}),
  });
  client.on("message", (topic, payload) => {
    let body: { stress?: unknown; ts?: unknown };
    try {
      body = JSON.parse(payload.toString()) as { stress?: unknown; ts?: unknown };
    } catch {
      return;
    }
    meter.tick();
    if (typeof body.ts === "number" && meter.receiptLag.length < 1_000_000)
      meter.receiptLag.push(Date.now() - body.ts);
    const stress = body.stress;
    if (typeof stress !== "number") return;
    const person = topic.split("/")[1] ?? "";
    const prev = previous.get(person);
    previous.set(person, stress);
    if (stress < 70 || (prev !== undefined && prev >= 70)) return;
    const now = Date.now();
    const last = lastCall.get(person);
    if (last !== undefined && now - last < cooldownMs) return;
    lastCall.set(person, now);
    if (typeof body.ts === "number") meter.decisionLag.push(now - body.ts);
    callService(conn, "scene", "turn_on", undefined, { entity_id: `scene.calm_${person}` }).catch(() => {
      errors++;
    });
  });
  await client.subscribeAsync(`${spec.base}/+/wearable`, { qos: 1 });
  return {
    meter,
    extra: () => ({ errors }),
    async stop() {
      await client.endAsync();
      conn.close();
    },
  };
}

// --- Node-RED, embedded ------------------------------------------------------------------------------

interface NodeRedApi {
  init(server: unknown, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const HA_PALETTE = "node-red-contrib-home-assistant-websocket";

/** The palette's connection to Home Assistant: what its nodes wait for before they run. */
interface PaletteConnection {
  isHomeAssistantRunning: boolean;
  websocket: { isConnected: boolean; isStatesLoaded: boolean; isAllRegistriesLoaded: boolean };
}

/**
 * Node-RED embedded, with its MQTT defaults and editor, HTTP nodes and telemetry off. `withPalette` runs the
 * "nodered-ha" flow through the Home Assistant palette; without it, the core-nodes flow, and the palette is
 * not loaded at all (it would weigh on that flow's figures with nodes it does not use).
 */
async function startNodeRed(withPalette: boolean): Promise<Sut> {
  const { createConnection, createLongLivedTokenAuth, callService } = await import(
    "home-assistant-js-websocket"
  );
  const { haCredentials, noderedFlow, noderedHaFlow, HA_SERVER_ID } = await import("./nodered-flow.js");
  const require = createRequire(import.meta.url);
  const RED = require("node-red") as NodeRedApi;
  const userDir = mkdtempSync(join(tmpdir(), "calm-bench-nodered-"));
  const url = new URL(spec.mqttUrl);
  const flowOptions = {
    host: url.hostname,
    port: Number(url.port || 1883),
    clientId: spec.clientId,
    base: spec.base,
    cooldownMs,
    haUrl: spec.haUrl,
    haToken: spec.haToken,
  };
  writeFileSync(
    join(userDir, "flows.json"),
    JSON.stringify(withPalette ? noderedHaFlow(flowOptions) : noderedFlow(flowOptions), null, 2),
  );
  if (withPalette)
    writeFileSync(join(userDir, "flows_cred.json"), JSON.stringify(haCredentials(flowOptions), null, 2));
  const meter = new Meter();
  let haReady = false;
  let errors = 0;
  // Never listened on: the editor and HTTP nodes are off, so nothing but MQTT and HA sockets are opened.
  const server = createServer();
  RED.init(server, {
    userDir,
    flowFile: "flows.json",
    credentialSecret: false,
    httpAdminRoot: false,
    httpNodeRoot: false,
    disableEditor: true,
    uiPort: 0,
    logging: { console: { level: "warn", metrics: false, audit: false } },
    diagnostics: { enabled: false, ui: false },
    runtimeState: { enabled: false, ui: false },
    telemetry: { enabled: false, updateNotification: false },
    externalModules: {
      autoInstall: false,
      palette: {
        allowInstall: false,
        allowUpdate: false,
        allowUpload: false,
        denyList: withPalette ? [] : [HA_PALETTE],
      },
      modules: { allowInstall: false },
    },
    functionExternalModules: false,
    editorTheme: { palette: { catalogues: [] }, tours: false },
    functionGlobalContext: {
      haws: { createConnection, createLongLivedTokenAuth, callService },
      ha: { url: spec.haUrl, token: spec.haToken },
      // Measurement hooks only (counter and lags); they do no work the flow would not do anyway.
      bench: {
        processed: (ts: unknown) => {
          meter.tick();
          if (typeof ts === "number" && meter.receiptLag.length < 1_000_000)
            meter.receiptLag.push(Date.now() - ts);
        },
        decided: (ts: unknown) => {
          if (typeof ts === "number" && meter.decisionLag.length < 1_000_000)
            meter.decisionLag.push(Date.now() - ts);
        },
        haReady: () => {
          haReady = true;
        },
        error: () => {
          errors++;
        },
      },
    },
  });
  await RED.start();
  if (withPalette) {
    // The palette keeps one connection per server node, in the same module instance Node-RED loaded. Ready is
    // when it says it runs with states and registries in: the start-up work it does after connecting (loading
    // every registry, its issue check) is not counted against the readings.
    const { homeAssistantConnections } = require(`${HA_PALETTE}/dist/homeAssistant/index.js`) as {
      homeAssistantConnections: Map<string, PaletteConnection>;
    };
    await waitUntil(
      () => {
        const c = homeAssistantConnections.get(HA_SERVER_ID);
        return (
          c?.isHomeAssistantRunning === true &&
          c.websocket.isConnected &&
          c.websocket.isStatesLoaded &&
          c.websocket.isAllRegistriesLoaded
        );
      },
      20_000,
      "the Home Assistant palette's connection",
    );
  } else await waitUntil(() => haReady, 20_000, "Node-RED's Home Assistant connection");
  return {
    meter,
    extra: () => ({ errors }),
    async stop() {
      await RED.stop();
      rmSync(userDir, { recursive: true, force: true });
    },
  };
}

// --- the publisher -----------------------------------------------------------------------------------

async function publish(): Promise<void> {
  const { default: mqtt } = await import("mqtt");
  const p = spec.publish;
  if (!p) throw new Error("publisher needs spec.publish");
  const client = await mqtt.connectAsync(spec.mqttUrl, {
    clientId: spec.clientId,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
  });
  const total = Math.round(p.rate * p.durationS);
  const counts = new Int32Array(p.people);
  const lastTs = new Float64Array(p.people);
  const topics = Array.from({ length: p.people }, (_, i) => `${spec.base}/${personId(i)}/wearable`);
  // Publish times of the crossings the rule fires on, in publish order: [person index, ms since epoch] pairs.
  const crossings: number[] = [];
  const lastDue = new Float64Array(p.people).fill(Number.NaN);
  let heldBack = 0;
  let avoided = 0;
  let sent = 0;
  let acked = 0;
  let ackErrors = 0;
  const onAck = (err?: Error): void => {
    if (err) ackErrors++;
    acked++;
  };
  const startAt = Date.now();
  const hardStop = startAt + p.durationS * 3_000 + 10_000;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = Date.now();
      const due = Math.min(total, Math.floor(((now - startAt) * p.rate) / 1000) + 1);
      // Bounded: at most one tick's worth (plus catch-up) per turn of the event loop.
      while (sent < due) {
        const i = sent % p.people;
        const c = counts[i] ?? 0;
        const t = Date.now();
        // The crossing's publish time with sub-millisecond precision, on the wall clock the simulator uses.
        const at = performance.timeOrigin + performance.now();
        // Strictly increasing per person, so that no two readings of a person share a timestamp.
        const ts = Math.max(t, (lastTs[i] ?? 0) + 1);
        lastTs[i] = ts;
        let stress = stressFor(i, c, p.crossEvery);
        if (isCrossing(i, c, p.crossEvery)) {
          const last = lastDue[i] ?? Number.NaN;
          const verdict = cooldownVerdict(Number.isNaN(last) ? undefined : at - last, p.cooldownMs);
          if (verdict === "fire") {
            crossings.push(i, at);
            lastDue[i] = at;
          } else if (verdict === "hold") heldBack++;
          else {
            avoided++;
            stress = LOW;
          }
        }
        const body = `{"ts":${ts},"id":"${personId(i)}-${c}","stress":${stress}}`;
        client.publish(topics[i] ?? "", body, { qos: 1 }, onAck);
        counts[i] = c + 1;
        sent++;
      }
      if (sent >= total || Date.now() > hardStop) resolve();
      else setTimeout(tick, 2);
    };
    tick();
  });
  const endAt = Date.now();
  await waitUntil(() => acked >= sent, 30_000, "PUBACKs").catch(() => undefined);
  const ackedAt = Date.now();
  const cpu = process.cpuUsage();
  // Forced and bounded: a broker that never acks must not hang the run (the shortfall is in `acked`).
  await Promise.race([client.endAsync(true), new Promise((r) => setTimeout(r, 2_000))]);
  const result: PublisherResult = {
    sent,
    acked,
    ackErrors,
    startAt,
    endAt,
    ackedAt,
    crossings,
    heldBack,
    avoided,
    cpuS: (cpu.user + cpu.system) / 1e6,
  };
  send({ type: "published", result });
}

// --- main -------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  process.on("disconnect", () => process.exit(0));
  switch (role) {
    case "hub":
    case "floor":
    case "nodered":
    case "nodered-ha": {
      const sut =
        role === "hub"
          ? await startHub()
          : role === "floor"
            ? await startFloor()
            : await startNodeRed(role === "nodered-ha");
      serve(sut);
      send({ type: "ready" });
      return;
    }
    case "publisher":
      await publish();
      setTimeout(() => process.exit(0), 100);
      return;
    case "aedes": {
      const { startEmbeddedBroker } = await import("../../devices/broker/index.js");
      const broker = await startEmbeddedBroker({ port: spec.port ?? 0 });
      const meter = new Meter();
      serve({ meter, stop: () => broker.stop() });
      send({ type: "ready", url: broker.url });
      return;
    }
    case "soak": {
      const { runSoak } = await import("./soak.js");
      const result = await runSoak(spec.soak ?? { readings: 100_000, people: 100 });
      send({ type: "soak", result });
      setTimeout(() => process.exit(0), 100);
      return;
    }
    default:
      throw new Error(`unknown role "${role}"`);
  }
}

main().catch((err: unknown) => {
  send({ type: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  setTimeout(() => process.exit(1), 50);
});
