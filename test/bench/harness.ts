/**
 * The bench orchestrator. It owns the HA simulator (in this process) and forks one child per role: the
 * publisher, the system under test (hub, raw floor, Node-RED with core nodes, Node-RED with the Home Assistant
 * palette) and, with `--broker aedes`, the broker.
 * On 2 cores this keeps the load generator, the SUT and the simulator on separate event loops; Mosquitto is
 * a separate (C) process anyway.
 */
import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt, { type MqttClient } from "mqtt";
import { HaSimulator, type SeedEntity } from "../../devices/ha-sim/index.js";
import { packageRoot } from "../../hub/package-root.js";
import { median, type RunSummary, summarizeRuns } from "./medians.js";
import type {
  ChildRequest,
  ChildResponse,
  PublisherResult,
  SoakResult,
  SoakSpec,
  SutKind,
  SutSpec,
  SutStats,
} from "./types.js";
import { HIGH, LOW, personId, sceneOf } from "./workload.js";

/**
 * `npm run bench` compiles the bench (tsconfig.bench.json) and runs it as plain JavaScript, so that every
 * child is measured as it would run in production: `node` on built code, no TypeScript loader beside it
 * (tsx's off-thread loader alone adds tens of MB of RSS). Under vitest this file is TypeScript and the
 * children run through tsx instead.
 */
const COMPILED = import.meta.url.endsWith(".js");

/** The hub runs with the Node flags the `calm-hub` command starts it with (its shebang line). */
const HUB_NODE_FLAGS = (
  readFileSync(join(packageRoot(), "hub", "bin.ts"), "utf8")
    .split("\n", 1)[0]
    ?.match(/ node (.*)$/)?.[1] ?? ""
)
  .split(" ")
  .filter(Boolean);
const CHILD = fileURLToPath(new URL(COMPILED ? "./child.js" : "./child.ts", import.meta.url));

export interface ScenarioSpec {
  id: string;
  issue: 2 | 8 | 15;
  title: string;
  people: number;
  rate: number;
  durationS: number;
  /** Extra entities HA holds besides one scene per person. */
  haExtraEntities: number;
  suts: SutKind[];
}

export interface BenchOptions {
  broker: "mosquitto" | "aedes";
  mosquittoUrl: string;
  scenarios: ScenarioSpec[];
  crossEvery: number;
  /** The stress rule's per-person cooldown every SUT applies, seconds (default 60; 0 calls on every crossing). */
  cooldownS?: number;
  /** Each scenario × SUT this many times; the report gives medians (default 1). */
  runs?: number;
  /** Fork → first action, this many spawns per SUT (the median is reported); false to skip. */
  coldStart?: { suts: SutKind[]; spawns: number } | false;
  /** Memory-flat loop; false to skip. */
  soak: SoakSpec | false;
  log: (line: string) => void;
  /** Read Mosquitto's $SYS counters around each run (waits for its 10 s refresh); default true. */
  sys?: boolean;
  /** Give up draining after this long without progress. */
  stallMs?: number;
}

export interface CallCheck {
  expected: number;
  received: number;
  missing: number;
  duplicates: number;
  errors: number;
  exactlyOnce: boolean;
}

export interface BrokerCounters {
  dropped: number | null;
  clientsConnected: number | null;
  storedMessages: number | null;
}

export interface RunResult {
  scenario: string;
  sut: SutKind;
  /** Which repeat of this scenario × SUT (from 0, `--runs`). */
  repeat: number;
  people: number;
  offeredRate: number;
  durationS: number;
  haEntities: number;
  published: number;
  publishedRate: number;
  processed: number;
  deliveredRate: number;
  /** Time from the last publish until the SUT had processed everything it was going to. */
  drainS: number;
  latencyMs: { p50: number | null; p99: number | null; max: number | null; n: number };
  /** Where the time goes: publish → SUT receipt, and publish → rule decision (SUT clock, same machine). */
  stages: {
    receiptP50: number | null;
    receiptP99: number | null;
    decisionP50: number | null;
    decisionP99: number | null;
  };
  cpuS: number;
  cpuUsPerReading: number | null;
  peakRssMb: number;
  endHeapMb: number;
  calls: CallCheck;
  /** Crossings published: those a call is due for, those the cooldown holds back, those sent low instead. */
  crossings: { due: number; heldBack: number; avoided: number };
  broker: { before: BrokerCounters; after: BrokerCounters; droppedDelta: number | null } | null;
  publisherCpuS: number;
  error?: string;
}

/** One SUT's cold start: fork → its first `scene.turn_on` in the simulator, a reading crossing every 10 ms. */
export interface ColdStart {
  sut: SutKind;
  /** Fork → first call, ms, per spawn (spawns that failed are left out). */
  firstActionMs: number[];
  /** Fork → the child saying it is connected and subscribed, ms, per spawn. */
  readyMs: number[];
  medianFirstActionMs: number | null;
  medianReadyMs: number | null;
  errors: string[];
}

export interface BenchReport {
  version: 1;
  startedAt: string;
  finishedAt: string;
  host: { node: string; cpus: number; platform: string; loadavgStart: number[]; loadavgEnd: number[] };
  options: {
    broker: string;
    brokerUrl: string;
    crossEvery: number;
    cooldownS: number;
    runs: number;
    quick: boolean;
    full: boolean;
  };
  /** Every run, each repeat on its own. */
  runs: RunResult[];
  /** One row per scenario × SUT: the median of its repeats (the run itself with `--runs 1`). */
  summary: RunSummary[];
  coldStart: ColdStart[];
  soak: SoakResult | null;
}

// --- child processes -------------------------------------------------------------------------------

class Child {
  readonly proc: ChildProcess;
  private readonly waiters: { type: string; resolve: (m: ChildResponse) => void }[] = [];
  private readonly output: string[] = [];
  private failed: string | undefined;
  private exited = false;

  constructor(role: string, spec: SutSpec, extraExecArgv: string[] = []) {
    // CALM_BENCH_PROFILE=DIR writes a V8 CPU profile of every SUT child there (open it in Chrome DevTools).
    const prof = process.env.CALM_BENCH_PROFILE;
    const profArgs =
      prof && ["hub", "floor", "nodered", "nodered-ha"].includes(role)
        ? ["--cpu-prof", "--cpu-prof-dir", prof]
        : [];
    this.proc = fork(CHILD, [role, JSON.stringify(spec)], {
      execArgv: [...(COMPILED ? [] : ["--import", "tsx"]), ...profArgs, ...extraExecArgv],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    const keep = (chunk: Buffer): void => {
      this.output.push(chunk.toString());
      if (this.output.length > 40) this.output.shift();
    };
    this.proc.stdout?.on("data", keep);
    this.proc.stderr?.on("data", keep);
    this.proc.on("message", (raw) => {
      const msg = raw as ChildResponse;
      if (msg.type === "error") this.failed = msg.message;
      const i = this.waiters.findIndex((w) => w.type === msg.type || msg.type === "error");
      if (i >= 0) this.waiters.splice(i, 1)[0]?.resolve(msg);
    });
    this.proc.on("exit", (code) => {
      this.exited = true;
      if (code !== 0 && !this.failed) this.failed = `${role} exited with code ${code}`;
      for (const w of this.waiters.splice(0))
        w.resolve({ type: "error", message: this.failed ?? `${role} exited` });
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get log(): string {
    return this.output.join("").slice(-3000);
  }

  wait<T extends ChildResponse["type"]>(
    type: T,
    timeoutMs: number,
  ): Promise<Extract<ChildResponse, { type: T }>> {
    return new Promise((resolve, reject) => {
      if (this.exited) {
        reject(new Error(this.failed ?? "child exited"));
        return;
      }
      const timer = setTimeout(() => {
        const i = this.waiters.findIndex((w) => w.resolve === done);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no "${type}" from child within ${timeoutMs} ms\n${this.log}`));
      }, timeoutMs);
      const done = (msg: ChildResponse): void => {
        clearTimeout(timer);
        if (msg.type === "error") reject(new Error(`${msg.message}\n${this.log}`));
        else resolve(msg as Extract<ChildResponse, { type: T }>);
      };
      this.waiters.push({ type, resolve: done });
    });
  }

  async request<T extends ChildResponse["type"]>(
    req: ChildRequest,
    reply: T,
    timeoutMs = 10_000,
  ): Promise<Extract<ChildResponse, { type: T }>> {
    const p = this.wait(reply, timeoutMs);
    this.proc.send(req);
    return p;
  }

  /** Ends the child: lets it exit on its own for a moment (it was told to stop), then by its own pid. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((r) => this.proc.once("exit", () => r()));
    await Promise.race([gone, sleep(3_000)]);
    if (this.exited) return;
    this.proc.kill("SIGTERM");
    const t = setTimeout(() => this.proc.kill("SIGKILL"), 3_000);
    await gone;
    clearTimeout(t);
  }
}

// --- broker monitor ($SYS) ---------------------------------------------------------------------------

class BrokerMonitor {
  private values = new Map<string, number>();
  private ticks = 0;
  readonly client: MqttClient;
  private constructor(client: MqttClient) {
    this.client = client;
  }

  static async connect(url: string, sys: boolean): Promise<BrokerMonitor> {
    const client = await mqtt.connectAsync(url, {
      clientId: `calm-bench-monitor-${process.pid}`,
      clean: true,
      reconnectPeriod: 1000,
    });
    const m = new BrokerMonitor(client);
    client.on("message", (topic, payload) => {
      if (topic === "$SYS/broker/uptime") m.ticks++;
      const n = Number(payload.toString().split(" ")[0]);
      if (Number.isFinite(n)) m.values.set(topic, n);
    });
    if (sys)
      await client.subscribeAsync(
        [
          "$SYS/broker/uptime",
          "$SYS/broker/publish/messages/dropped",
          "$SYS/broker/clients/connected",
          "$SYS/broker/store/messages/count",
        ],
        { qos: 0 },
      );
    return m;
  }

  counters(): BrokerCounters {
    return {
      // Mosquitto only publishes a $SYS value once it is set; no message means none dropped since start.
      dropped: this.values.get("$SYS/broker/publish/messages/dropped") ?? (this.ticks > 0 ? 0 : null),
      clientsConnected: this.values.get("$SYS/broker/clients/connected") ?? null,
      storedMessages: this.values.get("$SYS/broker/store/messages/count") ?? null,
    };
  }

  /** Mosquitto refreshes $SYS every sys_interval (10 s by default): wait for the next refresh. */
  async nextRefresh(timeoutMs = 11_500): Promise<void> {
    const start = this.ticks;
    const deadline = Date.now() + timeoutMs;
    while (this.ticks === start && Date.now() < deadline) await sleep(100);
  }

  /** Removes what a run left on the broker: the persistent session and the retained state messages. */
  async cleanup(
    url: string,
    clientId: string,
    base: string,
    people: number,
    extra: string[] = [],
  ): Promise<void> {
    try {
      const c = await mqtt.connectAsync(url, {
        clientId,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: 5000,
      });
      await c.endAsync();
    } catch {
      // best effort
    }
    const pubs: Promise<unknown>[] = [];
    for (let i = 0; i < people; i++)
      pubs.push(this.client.publishAsync(`${base}/${personId(i)}/state`, "", { retain: true, qos: 0 }));
    for (const name of ["warmup", ...extra])
      pubs.push(this.client.publishAsync(`${base}/${name}/state`, "", { retain: true, qos: 0 }));
    pubs.push(this.client.publishAsync(`${base}/hub/status`, "", { retain: true, qos: 0 }));
    await Promise.allSettled(pubs);
  }

  async end(): Promise<void> {
    await this.client.endAsync(true);
  }
}

// --- one run ---------------------------------------------------------------------------------------

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? null;
}

function haSeed(
  people: number,
  extra: number,
): { entities: SeedEntity[]; scenes: Record<string, Record<string, never>> } {
  const scenes: Record<string, Record<string, never>> = {};
  for (let i = 0; i < people; i++) scenes[sceneOf(personId(i))] = {};
  const entities: SeedEntity[] = [];
  for (let i = 0; i < extra; i++) {
    const n = String(i).padStart(4, "0");
    entities.push(
      i % 2 === 0
        ? {
            entity_id: `light.bench_${n}`,
            state: i % 4 === 0 ? "on" : "off",
            attributes: {
              friendly_name: `Bench light ${n}`,
              supported_color_modes: ["color_temp"],
              color_mode: i % 4 === 0 ? "color_temp" : null,
              brightness: i % 4 === 0 ? 128 : null,
              min_color_temp_kelvin: 2000,
              max_color_temp_kelvin: 6535,
            },
          }
        : {
            entity_id: `sensor.bench_${n}`,
            state: String(20 + (i % 50) / 10),
            attributes: {
              friendly_name: `Bench sensor ${n}`,
              unit_of_measurement: "°C",
              device_class: "temperature",
            },
          },
    );
  }
  return { entities, scenes };
}

/**
 * The simulator's calls, each with the time of its `call_service` event: a recorded call's own time is whole
 * milliseconds, the event's has microseconds, and a median of about a millisecond needs them.
 */
function withFiredTimes(sim: HaSimulator): {
  domain: string;
  service: string;
  target: Record<string, unknown> | undefined;
  entityIds: readonly string[];
  time: number;
  error?: unknown;
}[] {
  const fired = new Map<string, number>();
  for (const e of sim.events) {
    if (e.event_type !== "call_service") continue;
    const m = /^(.*T\d\d:\d\d:\d\d\.\d{3})(\d{3})/.exec(e.time_fired);
    if (m?.[1] && m[2]) fired.set(e.context.id, Date.parse(`${m[1]}Z`) + Number(m[2]) / 1000);
  }
  return sim.calls.map((c) => ({ ...c, time: fired.get(c.contextId) ?? c.time }));
}

/** Matches the simulator's scene calls to the crossing readings, per person and in order. */
export function checkCalls(
  calls: readonly {
    domain: string;
    service: string;
    target: Record<string, unknown> | undefined;
    entityIds?: readonly string[];
    time: number;
    error?: unknown;
  }[],
  crossings: readonly number[],
  people: number,
): { check: CallCheck; latencies: number[] } {
  const expectedAt: number[][] = Array.from({ length: people }, () => []);
  for (let k = 0; k + 1 < crossings.length; k += 2)
    expectedAt[crossings[k] ?? 0]?.push(crossings[k + 1] ?? 0);
  const index = new Map<string, number>();
  for (let i = 0; i < people; i++) index.set(sceneOf(personId(i)), i);
  const got: number[][] = Array.from({ length: people }, () => []);
  let errors = 0;
  let stray = 0;
  for (const c of calls) {
    if (c.domain !== "scene" || c.service !== "turn_on") continue;
    if (c.error) errors++;
    // The entity the call resolved to, whether it was named in `target` or in the service data.
    const target = c.target?.entity_id;
    const id = (Array.isArray(target) ? target[0] : target) ?? c.entityIds?.[0];
    const i = typeof id === "string" ? index.get(id) : undefined;
    if (i === undefined) {
      stray++;
      continue;
    }
    got[i]?.push(c.time);
  }
  let expected = 0;
  let received = 0;
  let missing = 0;
  let duplicates = stray;
  const latencies: number[] = [];
  for (let i = 0; i < people; i++) {
    const e = expectedAt[i] ?? [];
    const g = (got[i] ?? []).sort((a, b) => a - b);
    expected += e.length;
    received += g.length;
    missing += Math.max(0, e.length - g.length);
    duplicates += Math.max(0, g.length - e.length);
    // Readings of one person are handled in order, so the n-th call answers the n-th crossing.
    for (let n = 0; n < Math.min(e.length, g.length); n++) latencies.push((g[n] ?? 0) - (e[n] ?? 0));
  }
  latencies.sort((a, b) => a - b);
  return {
    check: {
      expected,
      received: received + stray,
      missing,
      duplicates,
      errors,
      exactlyOnce: missing === 0 && duplicates === 0 && errors === 0,
    },
    latencies,
  };
}

async function runOne(
  o: BenchOptions,
  brokerUrl: string,
  monitor: BrokerMonitor,
  sc: ScenarioSpec,
  sut: SutKind,
  runNo: number,
  repeat: number,
): Promise<RunResult> {
  const base = `calmbench${process.pid.toString(36)}r${runNo}`;
  const seed = haSeed(sc.people, sc.haExtraEntities);
  const sim = await HaSimulator.start({
    entities: seed.entities,
    scenes: seed.scenes,
    notifyServices: ["notify"],
  });
  const sutSpec: SutSpec = {
    mqttUrl: brokerUrl,
    haUrl: sim.url,
    haToken: sim.token,
    base,
    clientId: `${base}-${sut}`,
    broker: o.broker,
    cooldownS: o.cooldownS ?? 60,
  };
  const sys = o.broker === "mosquitto" && o.sys !== false;
  const before = monitor.counters();
  let child: Child | undefined;
  let publisher: Child | undefined;
  const result: RunResult = {
    scenario: sc.id,
    sut,
    repeat,
    people: sc.people,
    offeredRate: sc.rate,
    durationS: sc.durationS,
    haEntities: sim.states.length,
    published: 0,
    publishedRate: 0,
    processed: 0,
    deliveredRate: 0,
    drainS: 0,
    latencyMs: { p50: null, p99: null, max: null, n: 0 },
    stages: { receiptP50: null, receiptP99: null, decisionP50: null, decisionP99: null },
    cpuS: 0,
    cpuUsPerReading: null,
    peakRssMb: 0,
    endHeapMb: 0,
    calls: { expected: 0, received: 0, missing: 0, duplicates: 0, errors: 0, exactlyOnce: false },
    crossings: { due: 0, heldBack: 0, avoided: 0 },
    broker: null,
    publisherCpuS: 0,
  };
  try {
    child = new Child(sut, sutSpec, sut === "hub" ? HUB_NODE_FLAGS : []);
    await child.wait("ready", 60_000);
    // Readiness probe: a low reading for "warmup" proves the subscription is live end to end.
    let probe = 0;
    for (;;) {
      await monitor.client.publishAsync(
        `${base}/warmup/wearable`,
        JSON.stringify({ ts: Date.now(), id: `warmup-${probe}`, stress: 10 }),
        { qos: 1 },
      );
      probe++;
      await sleep(100);
      const s = await child.request({ type: "stats" }, "stats");
      if (s.stats.processed > 0) break;
      if (probe > 150) throw new Error("the SUT never saw the warm-up reading");
    }
    await child.request({ type: "begin" }, "begun");
    sim.clearCalls();

    publisher = new Child("publisher", {
      ...sutSpec,
      clientId: `${base}-pub`,
      publish: {
        people: sc.people,
        rate: sc.rate,
        durationS: sc.durationS,
        crossEvery: o.crossEvery,
        cooldownMs: (o.cooldownS ?? 60) * 1000,
      },
    });
    const pub: PublisherResult = (await publisher.wait("published", sc.durationS * 3_000 + 60_000)).result;
    result.published = pub.sent;
    result.publishedRate = pub.sent / Math.max(0.001, (pub.endAt - pub.startAt) / 1000);
    result.publisherCpuS = pub.cpuS;
    const expectedCalls = pub.crossings.length / 2;
    result.crossings = { due: expectedCalls, heldBack: pub.heldBack, avoided: pub.avoided };

    // Drain: until everything is processed and every expected call arrived, or no progress for a while.
    const stallMs = o.stallMs ?? 5_000;
    const cap = Date.now() + Math.max(30_000, sc.durationS * 2_000);
    let last = -1;
    let lastChange = Date.now();
    let stats: SutStats = (await child.request({ type: "stats" }, "stats")).stats;
    for (;;) {
      stats = (await child.request({ type: "stats" }, "stats")).stats;
      const progress = stats.processed + sim.calls.length;
      if (progress !== last) {
        last = progress;
        lastChange = Date.now();
      }
      if (stats.processed >= pub.sent && sim.calls.length >= expectedCalls) break;
      if (Date.now() - lastChange > stallMs || Date.now() > cap) break;
      await sleep(200);
    }
    // A short grace period so that late duplicates are counted too.
    await sleep(500);
    stats = (await child.request({ type: "stats" }, "stats")).stats;
    const { check, latencies } = checkCalls(withFiredTimes(sim), pub.crossings, sc.people);
    result.calls = check;
    result.processed = stats.processed;
    result.drainS = Math.max(0, (stats.lastAt - pub.endAt) / 1000);
    result.deliveredRate =
      stats.processed > 0 ? stats.processed / Math.max(0.001, (stats.lastAt - pub.startAt) / 1000) : 0;
    result.latencyMs = {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.length ? (latencies[latencies.length - 1] ?? null) : null,
      n: latencies.length,
    };
    result.stages = {
      receiptP50: stats.receiptLagMs?.p50 ?? null,
      receiptP99: stats.receiptLagMs?.p99 ?? null,
      decisionP50: stats.decisionLagMs?.p50 ?? null,
      decisionP99: stats.decisionLagMs?.p99 ?? null,
    };
    result.cpuS = stats.cpuUserS + stats.cpuSystemS;
    result.cpuUsPerReading = stats.processed > 0 ? (result.cpuS * 1e6) / stats.processed : null;
    const final = await child.request({ type: "stop" }, "stopped", 20_000);
    result.peakRssMb = final.stats.maxRssMb;
    result.endHeapMb = final.stats.heapUsedMb;
    if (stats.errors) result.calls.errors += stats.errors;
  } catch (err) {
    result.error = err instanceof Error ? err.message.split("\n").slice(0, 6).join(" | ") : String(err);
  } finally {
    await publisher?.kill();
    await child?.kill();
    await monitor.cleanup(brokerUrl, sutSpec.clientId, base, sc.people);
    await sim.stop();
  }
  if (sys) {
    await monitor.nextRefresh();
    const after = monitor.counters();
    result.broker = {
      before,
      after,
      droppedDelta: before.dropped !== null && after.dropped !== null ? after.dropped - before.dropped : null,
    };
  }
  return result;
}

// --- cold start ------------------------------------------------------------------------------------

/** The person whose readings cross the threshold while a SUT starts. */
const COLD_PERSON = "coldstart";

const wallNow = (): number => performance.timeOrigin + performance.now();

/**
 * "First action after start": readings of one person already arrive (low, then high, every 10 ms, so that
 * every 10 ms there is a fresh upward crossing) before the SUT is forked; the time is fork → the first
 * `scene.turn_on` the simulator receives, and fork → the child's "ready" beside it. Readings sent before the
 * SUT subscribed are not queued for it (its session is new), so this is start-up, not backlog.
 */
async function coldStartOnce(
  o: BenchOptions,
  brokerUrl: string,
  monitor: BrokerMonitor,
  sut: SutKind,
  spawnNo: number,
): Promise<{ firstActionMs: number; readyMs: number }> {
  const base = `calmbench${process.pid.toString(36)}c${spawnNo}`;
  const scene = sceneOf(COLD_PERSON);
  const sim = await HaSimulator.start({ entities: [], scenes: { [scene]: {} }, notifyServices: ["notify"] });
  const spec: SutSpec = {
    mqttUrl: brokerUrl,
    haUrl: sim.url,
    haToken: sim.token,
    base,
    clientId: `${base}-${sut}`,
    broker: o.broker,
    cooldownS: o.cooldownS ?? 60,
  };
  let n = 0;
  let ts = Date.now();
  const publishPair = (): void => {
    for (const stress of [LOW, HIGH]) {
      ts = Math.max(Date.now(), ts + 1);
      const body = JSON.stringify({ ts, id: `${COLD_PERSON}-${n++}`, stress });
      monitor.client.publish(`${base}/${COLD_PERSON}/wearable`, body, { qos: 1 });
    }
  };
  publishPair();
  const timer = setInterval(publishPair, 10);
  let child: Child | undefined;
  try {
    await sleep(50); // a few crossings are out before the fork
    const forkedAt = wallNow();
    const proc = new Child(sut, spec, sut === "hub" ? HUB_NODE_FLAGS : []);
    child = proc;
    let readyMs: number | undefined;
    let failure: Error | undefined;
    proc.wait("ready", 60_000).then(
      () => {
        readyMs = wallNow() - forkedAt;
      },
      (err: unknown) => {
        failure = err instanceof Error ? err : new Error(String(err));
      },
    );
    proc.proc.once("exit", (code) => {
      failure ??= new Error(`${sut} exited (${code}) before its first action`);
    });
    // Polled rather than awaited on the simulator, so that nothing is left waiting when the child fails; the
    // time taken is the call's own, not the poll's.
    const deadline = Date.now() + 60_000;
    let call: ReturnType<typeof withFiredTimes>[number] | undefined;
    while (!call) {
      if (failure) throw failure;
      if (Date.now() > deadline) throw new Error(`no scene.turn_on from ${sut} within 60 s of its start`);
      await sleep(5);
      call = withFiredTimes(sim).find((c) => c.service === "turn_on" && c.entityIds.includes(scene));
    }
    while (readyMs === undefined && !failure) await sleep(5);
    if (readyMs === undefined) throw failure ?? new Error(`${sut} never said it was ready`);
    await proc.request({ type: "stop" }, "stopped", 20_000);
    return { firstActionMs: call.time - forkedAt, readyMs };
  } finally {
    clearInterval(timer);
    await child?.kill();
    await monitor.cleanup(brokerUrl, spec.clientId, base, 0, [COLD_PERSON]);
    await sim.stop();
  }
}

async function coldStarts(
  o: BenchOptions,
  brokerUrl: string,
  monitor: BrokerMonitor,
  suts: readonly SutKind[],
  spawns: number,
): Promise<ColdStart[]> {
  const out: ColdStart[] = [];
  let spawnNo = 0;
  for (const sut of suts) {
    const cs: ColdStart = {
      sut,
      firstActionMs: [],
      readyMs: [],
      medianFirstActionMs: null,
      medianReadyMs: null,
      errors: [],
    };
    for (let k = 0; k < spawns; k++) {
      o.log(`▶ cold start ${sut} (${k + 1}/${spawns})`);
      try {
        const r = await coldStartOnce(o, brokerUrl, monitor, sut, spawnNo++);
        cs.firstActionMs.push(r.firstActionMs);
        cs.readyMs.push(r.readyMs);
        o.log(
          `  first action ${r.firstActionMs.toFixed(0)} ms after fork (ready ${r.readyMs.toFixed(0)} ms)`,
        );
      } catch (err) {
        const msg = err instanceof Error ? err.message.split("\n").slice(0, 4).join(" | ") : String(err);
        cs.errors.push(msg);
        o.log(`  ✗ ${msg}`);
      }
    }
    cs.medianFirstActionMs = median(cs.firstActionMs);
    cs.medianReadyMs = median(cs.readyMs);
    out.push(cs);
  }
  return out;
}

// --- the whole bench ---------------------------------------------------------------------------------

export async function runBench(
  o: BenchOptions,
  flags: { quick: boolean; full: boolean },
): Promise<BenchReport> {
  const os = await import("node:os");
  const report: BenchReport = {
    version: 1,
    startedAt: new Date().toISOString(),
    finishedAt: "",
    host: {
      node: process.version,
      cpus: os.cpus().length,
      platform: `${os.platform()} ${os.release()}`,
      loadavgStart: os.loadavg(),
      loadavgEnd: [],
    },
    options: {
      broker: o.broker,
      brokerUrl: "",
      crossEvery: o.crossEvery,
      cooldownS: o.cooldownS ?? 60,
      runs: Math.max(1, o.runs ?? 1),
      quick: flags.quick,
      full: flags.full,
    },
    runs: [],
    summary: [],
    coldStart: [],
    soak: null,
  };
  let brokerChild: Child | undefined;
  let brokerUrl = o.mosquittoUrl;
  if (o.broker === "aedes") {
    brokerChild = new Child("aedes", { mqttUrl: "", haUrl: "", haToken: "", base: "", clientId: "" });
    const ready = await brokerChild.wait("ready", 30_000);
    brokerUrl = ready.url ?? "";
  }
  report.options.brokerUrl = brokerUrl;
  const sys = o.broker === "mosquitto" && o.sys !== false;
  const monitor = await BrokerMonitor.connect(brokerUrl, sys);
  try {
    if (sys) await monitor.nextRefresh(1_500); // the retained $SYS values arrive now
    let runNo = 0;
    const repeats = report.options.runs;
    for (const sc of o.scenarios) {
      for (const sut of sc.suts) {
        for (let repeat = 0; repeat < repeats; repeat++) {
          o.log(
            `▶ ${sc.id} ${sut}${repeats > 1 ? ` (run ${repeat + 1}/${repeats})` : ""}: ${sc.people} people, ${sc.rate}/s for ${sc.durationS} s, ${sc.haExtraEntities} extra HA entities`,
          );
          const r = await runOne(o, brokerUrl, monitor, sc, sut, runNo++, repeat);
          report.runs.push(r);
          o.log(
            r.error
              ? `  ✗ ${r.error}`
              : `  delivered ${r.deliveredRate.toFixed(0)}/s, p50 ${r.latencyMs.p50?.toFixed(2)} ms, p99 ${r.latencyMs.p99?.toFixed(1)} ms, calls ${r.calls.received}/${r.calls.expected}, receipt p50/p99 ${r.stages.receiptP50}/${r.stages.receiptP99} ms, decision p50/p99 ${r.stages.decisionP50}/${r.stages.decisionP99} ms${r.broker?.droppedDelta ? `, broker dropped ${r.broker.droppedDelta}` : ""}`,
          );
        }
      }
    }
    report.summary = summarizeRuns(report.runs);
    if (o.coldStart)
      report.coldStart = await coldStarts(o, brokerUrl, monitor, o.coldStart.suts, o.coldStart.spawns);
  } finally {
    await monitor.end();
    await brokerChild?.kill();
  }
  if (o.soak) {
    o.log(`▶ memory over a simulated day: ${o.soak.readings} readings, ${o.soak.people} people`);
    const soak = new Child(
      "soak",
      { mqttUrl: "", haUrl: "", haToken: "", base: "", clientId: "", soak: o.soak },
      ["--expose-gc"],
    );
    try {
      report.soak = (await soak.wait("soak", 600_000)).result;
    } finally {
      await soak.kill();
    }
  }
  report.host.loadavgEnd = os.loadavg();
  report.finishedAt = new Date().toISOString();
  return report;
}
