// Privacy and security checks on a whole hub: what reaches the log, per-person export and delete, retention,
// the generated API token, CORS, request size and rate limits.
// Actors: wearable (MQTT), broker (aedes or MQTT_TEST_URL), hub (its pino output captured at info level),
// HA simulator with a distinctive token.
import { statSync } from "node:fs";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { TOKEN_FILE } from "../../hub/api/token-file.js";
import type { Config } from "../../hub/config/index.js";
import { silentLogger } from "../../hub/core/index.js";
import { Hub } from "../../hub/hub.js";
import { Store } from "../../hub/store/index.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { type CapturedLog, captureLog } from "../support/capture-log.js";
import { connectWearable, nextTs, tempDir, testConfig } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

const API_SECRET = "api-Zq7xK-secret-4411-distinctive";
const HA_SECRET = "ha-Wv9pL-secret-8822-distinctive";
const HOME = `
rooms:
  living_room: { lights: [light.living_room], media_player: media_player.living_room }
people:
  alice: { room: living_room }
episodes: { soundscape: rain, calm_for_s: 600 }
rules:
  - { id: calm-episode, trigger: { type: stress, above: 70 }, cooldown_s: 0, ttl_s: 30, actions: [{ action: calm.start_episode }] }
  - { id: calm-scene, trigger: { type: stress, above: 70 }, cooldown_s: 0, ttl_s: 30, actions: [{ action: scene.turn_on, target: { entity_id: "scene.calm_{person}" } }] }
`;

let broker: TestBroker;
let sim: HaSimulator;
let wearable: MqttClient;
const hubs: Hub[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  sim = await HaSimulator.start({ token: HA_SECRET });
  wearable = await connectWearable(broker.url);
});
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.stop();
  vi.restoreAllMocks();
});
afterAll(async () => {
  await wearable?.endAsync();
  await sim?.stop();
  await broker?.stop();
});

let seq = 0;
function config(patch: (c: Config) => void = () => {}, dataDir = tempDir()): Config {
  const c = testConfig({
    mqttUrl: broker.url,
    base: `${broker.base}p${seq++}`,
    haUrl: sim.url,
    haToken: HA_SECRET,
    dataDir,
    yaml: HOME,
  });
  c.http.token = API_SECRET;
  patch(c);
  return c;
}

async function start(c: Config, log?: CapturedLog): Promise<Hub> {
  const hub = new Hub({ config: c, logger: log?.logger ?? silentLogger() });
  await hub.start();
  hubs.push(hub);
  return hub;
}

const auth = { authorization: `Bearer ${API_SECRET}` };

/** Every scalar anywhere in a parsed log line. */
function scalars(v: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(v)) for (const x of v) scalars(x, out);
  else if (v !== null && typeof v === "object") for (const x of Object.values(v)) scalars(x, out);
  else out.push(v);
  return out;
}

describe("what reaches the log", () => {
  it("carries no token, no reading value and no raw payload through a full run, and logs export and delete without values", async () => {
    const log = captureLog("info");
    const hub = await start(config(), log);
    await waitFor(() => hub.ha.state === "online" && hub.ha.getEntity("light.living_room"), {
      what: "Home Assistant",
    });
    const brightnessBefore = sim.getState("light.living_room")?.attributes.brightness;
    const topic = `${hub.config.mqtt.base_topic}/alice/wearable`;
    const payloads = [
      { ts: nextTs(), id: "p1", hr: 66, stress: 20 },
      { ts: nextTs(), id: "p2", hr: 173, rmssd: 19.37, stress: 87 },
    ];
    for (const p of payloads) await wearable.publishAsync(topic, JSON.stringify(p), { qos: 1 });
    // A bad payload carrying the same values, and one from an unknown vendor field.
    await wearable.publishAsync(topic, '{"ts": 1, "hr": 173, "rmssd": 19.37', { qos: 1 });
    await wearable.publishAsync(topic, JSON.stringify({ ts: nextTs(), hr: "173", stress: 87 }), { qos: 1 });
    await waitFor(() => sim.calls.some((c) => c.domain === "scene"), {
      what: "scene call",
      timeoutMs: 10_000,
    });
    await waitFor(() => hub.episodes.activeEpisodes().length === 1, { what: "episode" });
    await waitFor(() => hub.store.samples.list("alice", 0).length === 2, { what: "readings stored" });
    await waitFor(() => Object.values(hub.ingest.counters.rejected).reduce((a, b) => a + b, 0) === 2, {
      what: "two rejections",
    });

    // Export: the person's readings, actions and episodes, and a log line without their values.
    const exported = await hub.api?.inject({ method: "GET", url: "/api/people/alice/export", headers: auth });
    expect(exported?.statusCode).toBe(200);
    const data = exported?.json() as {
      samples: { hr?: number; rmssd?: number }[];
      actions: { rule_id: string }[];
      documents: { scope: string }[];
    };
    expect(data.samples.map((s) => s.hr)).toEqual([66, 173]);
    expect(data.samples[1]?.rmssd).toBe(19.37);
    expect(data.actions.map((a) => a.rule_id)).toEqual(
      expect.arrayContaining(["calm-episode", "calm-scene"]),
    );
    expect(data.documents.some((d) => d.scope === "episode")).toBe(true);

    const deleted = await hub.api?.inject({ method: "DELETE", url: "/api/people/alice/data", headers: auth });
    expect(deleted?.statusCode).toBe(200);
    const after = (
      await hub.api?.inject({ method: "GET", url: "/api/people/alice/export", headers: auth })
    )?.json() as Record<string, unknown[]>;
    expect(after.samples).toEqual([]);
    expect(after.actions).toEqual([]);
    expect(after.documents).toEqual([]);
    expect(after.cooldowns).toEqual([]);
    // The episode that was running gave the room back.
    expect(hub.episodes.activeEpisodes()).toEqual([]);
    await waitFor(() => sim.getState("light.living_room")?.attributes.brightness === brightnessBefore, {
      what: "lights restored",
    });

    // The person keeps wearing the watch: new readings are new data, but nothing from before the delete (the
    // episode that was running, with its stress figures) comes back with them.
    const deletedAt = Date.now();
    await wearable.publishAsync(topic, JSON.stringify({ ts: nextTs(), id: "p3", stress: 10 }), { qos: 1 });
    await waitFor(() => hub.store.samples.list("alice", 0).length === 1, { what: "new reading stored" });
    const later = (
      await hub.api?.inject({ method: "GET", url: "/api/people/alice/export", headers: auth })
    )?.json() as { documents: { value: { started_at?: number } }[] };
    expect(later.documents.filter((d) => (d.value.started_at ?? deletedAt) < deletedAt)).toEqual([]);

    await hub.stop();
    // Nothing the hub does after the delete (stopping, saving its detector) brings the person's data back.
    const reopened = new Store(hub.config.data_dir);
    reopened.open();
    const left = reopened.exportPerson("alice") as { samples: { id?: string }[]; actions: unknown[] };
    reopened.close();
    expect(left.samples.map((s) => s.id)).toEqual(["p3"]);
    expect(left.actions).toEqual([]);

    const text = log.text();
    const lines = log.lines();
    expect(lines.some((l) => l.msg === "personal data exported" && l.person === "alice")).toBe(true);
    expect(lines.some((l) => l.msg === "personal data deleted" && l.person === "alice")).toBe(true);
    expect(lines.some((l) => l.component === "actions" && l.result === "ok")).toBe(true);
    expect(text).not.toContain(API_SECRET);
    expect(text).not.toContain(HA_SECRET);
    expect(text).not.toContain("19.37");
    expect(text).not.toMatch(/"(hr|rmssd|stress)"\s*:/);
    expect(text).not.toContain('{"ts"');
    expect(text).not.toContain('\\"ts\\"');
    const values = lines.flatMap((l) => scalars(l));
    for (const distinctive of [173, 87, 19.37, "173", "87", "19.37"])
      expect(values).not.toContain(distinctive);
    for (const v of values)
      if (typeof v === "string") expect(v, `log text "${v}"`).not.toMatch(/\b(173|19\.37)\b|\b87\b/);
  });
});

describe("retention", () => {
  it("deletes readings older than store.retention_days when the hub starts (and hourly after)", async () => {
    const dataDir = tempDir();
    const now = Date.now();
    const store = new Store(dataDir);
    store.open();
    const sample = (daysAgo: number, id: string) => ({
      person: "alice",
      measured_at: now - daysAgo * 86_400_000,
      received_at: now - daysAgo * 86_400_000,
      source: "native",
      quality: 1,
      id,
      hr: 70,
    });
    store.samples.add([sample(40, "old-1"), sample(31, "old-2"), sample(29, "recent-1"), sample(0, "now-1")]);
    store.close();

    const log = captureLog("info");
    const hub = await start(
      config((c) => {
        c.store.retention_days = 30;
      }, dataDir),
      log,
    );
    expect(
      hub.store.samples
        .list("alice", 0)
        .map((s) => s.id)
        .sort(),
    ).toEqual(["now-1", "recent-1"]);
    expect(log.lines().some((l) => l.msg === "retention: old records deleted" && l.samples === 2)).toBe(true);
  });
});

describe("API token, CORS, size and rate limits", () => {
  it("generates a token on first start, prints it once, stores it 0600, and keeps it across restarts", async () => {
    const dataDir = tempDir();
    const printed: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      printed.push(chunk.toString());
      return true;
    });
    const log = captureLog("info");
    const noToken = (c: Config): void => {
      c.http.token = undefined;
    };
    const first = await start(config(noToken, dataDir), log);
    const token = first.apiToken;
    expect(token.length).toBeGreaterThanOrEqual(16);
    expect(printed.join("").split(token).length - 1).toBe(1);
    expect(statSync(join(dataDir, TOKEN_FILE)).mode & 0o777).toBe(0o600);
    await first.stop();
    hubs.splice(0);

    const second = await start(config(noToken, dataDir), log);
    vi.restoreAllMocks();
    expect(second.apiToken).toBe(token);
    expect(printed.join("").split(token).length - 1).toBe(1);
    expect(log.text()).not.toContain(token);
    const ok = await second.api?.inject({
      method: "GET",
      url: "/api/rules",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok?.statusCode).toBe(200);
  });

  it("closes CORS by default, refuses a 1 MB body with 413, and answers repeated wrong tokens with 429", async () => {
    const hub = await start(
      config((c) => {
        c.http.rate_limit_per_min = 8;
      }),
    );
    const api = hub.api;
    if (!api) throw new Error("no API");
    const evil = "https://evil.example";
    const pre = await api.inject({
      method: "OPTIONS",
      url: "/api/rules",
      headers: { origin: evil, "access-control-request-method": "GET" },
    });
    expect(pre.headers["access-control-allow-origin"]).toBeUndefined();
    const get = await api.inject({ method: "GET", url: "/api/rules", headers: { ...auth, origin: evil } });
    expect(get.headers["access-control-allow-origin"]).toBeUndefined();

    const big = await api.inject({
      method: "PUT",
      url: "/api/rules/big",
      headers: { ...auth, "content-type": "application/json" },
      payload: JSON.stringify({ description: "x".repeat(1024 * 1024) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: expect.any(String), message: expect.any(String) });

    // Failed authentications count, 8 a minute (the token-less preflight above was the first); the right token
    // is never held back by them.
    const wrong = { authorization: "Bearer wrong-token-0123456789" };
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await api.inject({ method: "GET", url: "/api/rules", headers: wrong })).statusCode);
    expect(statuses.slice(0, 7).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(7).every((s) => s === 429)).toBe(true);
    const limited = await api.inject({ method: "GET", url: "/api/rules", headers: wrong });
    expect(limited.json()).toMatchObject({ code: "CALM_ERR_RATE_LIMIT" });
    expect((await api.inject({ method: "GET", url: "/api/rules", headers: auth })).statusCode).toBe(200);
  });
});
