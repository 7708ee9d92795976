import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApi, Metrics, routeGroup, viewRoutes } from "../../hub/api/index.js";
import { LocationSchema, WindDownConfigSchema } from "../../hub/config/index.js";
import { HubControls } from "../../hub/controls/index.js";
import { silentLogger } from "../../hub/core/index.js";
import { StressHistory } from "../../hub/history/index.js";
import { RuleRegistry } from "../../hub/rules/index.js";
import { planWindDowns, toScheduleEntry } from "../../hub/schedule/index.js";
import { Store } from "../../hub/store/index.js";
import { waitFor } from "../support/wait-for.js";
import { AUTH, connectClient, type HubFixture, startHub } from "./fixture.js";

let f: HubFixture;
let client: MqttClient;

async function reading(person: string, body: Record<string, unknown>): Promise<void> {
  await client.publishAsync(`${f.base}/${person}/wearable`, JSON.stringify(body), { qos: 1 });
}

beforeAll(async () => {
  f = await startHub();
  client = await connectClient(f.broker.url, `wearable_${f.base}`);
});

afterAll(async () => {
  await client?.endAsync();
  await f?.stop();
});

describe("bearer token", () => {
  it.each([
    ["GET", "/api/people/alice/state"],
    ["GET", "/api/people/alice/readings"],
    ["GET", "/api/episodes"],
    ["POST", "/api/episodes/ep1/stop"],
    ["GET", "/api/schedule"],
    ["GET", "/api/controls"],
    ["PUT", "/api/controls"],
    ["GET", "/api/stream"],
    ["GET", "/metrics"],
  ] as const)("%s %s answers 401 without a token", async (method, url) => {
    const res = await f.hub.api?.inject({ method, url });
    expect(res?.statusCode).toBe(401);
    expect(res?.json()).toMatchObject({ code: "CALM_ERR_UNAUTHORIZED" });
    const wrong = await f.hub.api?.inject({
      method,
      url,
      headers: { authorization: "Bearer nope-nope-nope-nope" },
    });
    expect(wrong?.statusCode).toBe(401);
  });

  it("serves the dashboard page itself without a token, with a strict content security policy", async () => {
    const res = await f.hub.api?.inject({ method: "GET", url: "/" });
    expect(res?.statusCode).toBe(200);
    expect(res?.headers["content-type"]).toMatch(/^text\/html/);
    expect(res?.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(res?.body).toContain('<script type="module" src="dashboard.js">');
    expect(res?.body).not.toMatch(/https?:\/\//);
    for (const asset of ["/dashboard.js", "/dashboard.css"]) {
      const a = await f.hub.api?.inject({ method: "GET", url: asset });
      expect(a?.statusCode).toBe(200);
      expect(a?.body).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    }
  });
});

describe("people", () => {
  it("GET /api/people/:id/state: the current estimate after a reading over MQTT", async () => {
    await reading("alice", { ts: Date.now(), stress: 85 });
    await waitFor(() => f.hub.detector.state("alice"), { what: "alice's state" });
    const res = await f.hub.api?.inject({ method: "GET", url: "/api/people/alice/state", headers: AUTH });
    expect(res?.statusCode).toBe(200);
    expect(res?.json()).toMatchObject({
      id: "alice",
      name: "Alice",
      room: "living_room",
      state: { person: "alice", score: 85, level: "high" },
      active_episode: null,
      paused: false,
    });
  });

  it("a configured person without readings has a null state; an unknown one is 404", async () => {
    const bob = await f.hub.api?.inject({ method: "GET", url: "/api/people/bob/state", headers: AUTH });
    expect(bob?.json()).toMatchObject({ id: "bob", state: null });
    const nobody = await f.hub.api?.inject({ method: "GET", url: "/api/people/nobody/state", headers: AUTH });
    expect(nobody?.statusCode).toBe(404);
  });

  it("GET /api/people/:id/readings: buckets with the mean stress score and heart rate", async () => {
    const now = Date.now();
    const at = (minAgo: number, s: number): number =>
      Math.floor((now - minAgo * 60_000) / 60_000) * 60_000 + s * 1000;
    // Two readings in one bucket 30 minutes ago, one 4 minutes ago (fresh enough to act on) (bucket width: 1 h / 60 = 1 minute).
    await reading("bob", { ts: at(30, 5), stress: 20, hr: 60 });
    await reading("bob", { ts: at(30, 35), stress: 40, hr: 70 });
    await reading("bob", { ts: at(4, 1), stress: 80, hr: 90 });
    const body = await waitFor(
      async () => {
        const res = await f.hub.api?.inject({
          method: "GET",
          url: "/api/people/bob/readings?hours=1&points=60",
          headers: AUTH,
        });
        const json = res?.json() as { from: number; to: number; points: { hr: number | null }[] };
        return json.points.filter((p) => p.hr !== null).length === 2 ? json : undefined;
      },
      { what: "bob's readings in the store" },
    );
    expect(body).toMatchObject({ person: "bob", bucket_ms: 60_000, bands: { elevated: 40, high: 60 } });
    expect(body.to - body.from).toBe(3_600_000);
    const points = body.points as {
      t: number;
      score: number;
      max: number;
      level: string;
      hr: number;
      readings: number;
    }[];
    expect(points).toHaveLength(2);
    // Scores are the detector's (vendor score fused with heart rate), levels its hysteresis: one calm-ish
    // minute, then a vendor score of 80 that is "high" at once.
    expect(points[0]).toMatchObject({ level: "calm", hr: 65, readings: 2 });
    expect(points[0]?.score).toBeLessThanOrEqual(40);
    expect(points[1]).toMatchObject({ level: "high", hr: 90, readings: 1 });
    expect(points[1]?.score).toBeGreaterThanOrEqual(70);
    expect(points[0]?.t).toBeLessThan(points[1]?.t ?? 0);
  });

  it("rejects readings queries outside the limits with 400", async () => {
    const res = await f.hub.api?.inject({
      method: "GET",
      url: "/api/people/bob/readings?hours=1000",
      headers: AUTH,
    });
    expect(res?.statusCode).toBe(400);
    expect(res?.json()).toMatchObject({ code: "CALM_ERR_BAD_REQUEST" });
  });
});

describe("episodes", () => {
  it("lists running episodes first and stops one once", async () => {
    const old = await f.episodes.start("bob", "Study", "stress stayed high", Date.now() - 3_600_000);
    await f.episodes.stopEpisode(old.id);
    const e = await f.episodes.start("alice", "Living room", "stress reached 75");
    const list = await f.hub.api?.inject({ method: "GET", url: "/api/episodes", headers: AUTH });
    expect(list?.json()).toEqual([
      expect.objectContaining({ id: e.id, person: "alice", room: "living_room", state: "active" }),
      expect.objectContaining({ id: old.id, state: "ended", ended_at: expect.any(Number) }),
    ]);
    const running = await f.hub.api?.inject({
      method: "GET",
      url: "/api/episodes?active=true",
      headers: AUTH,
    });
    expect(running?.json()).toHaveLength(1);
    const state = await f.hub.api?.inject({ method: "GET", url: "/api/people/alice/state", headers: AUTH });
    expect(state?.json().active_episode).toMatchObject({ id: e.id });

    const stop = await f.hub.api?.inject({
      method: "POST",
      url: `/api/episodes/${e.id}/stop`,
      headers: AUTH,
    });
    expect(stop?.statusCode).toBe(200);
    expect(stop?.json()).toMatchObject({
      stopped: true,
      episode: { id: e.id, state: "ended", ended_at: expect.any(Number) },
    });
    const again = await f.hub.api?.inject({
      method: "POST",
      url: `/api/episodes/${e.id}/stop`,
      headers: AUTH,
    });
    expect(again?.statusCode).toBe(404);
    const unknown = await f.hub.api?.inject({
      method: "POST",
      url: "/api/episodes/nope/stop",
      headers: AUTH,
    });
    expect(unknown?.statusCode).toBe(404);
  });
});

describe("controls and pause", () => {
  it("while paused a rule's action is held back and logged; resumed, it reaches the runner again", async () => {
    const put = await f.hub.api?.inject({
      method: "PUT",
      url: "/api/rules/high-stress",
      headers: AUTH,
      payload: {
        id: "high-stress",
        trigger: { type: "stress", above: 60 },
        cooldown_s: 0,
        actions: [{ action: "scene.turn_on", target: { entity_id: "scene.calm" } }],
      },
    });
    expect(put?.statusCode).toBe(200);
    const decisions: string[] = [];
    f.hub.events.on("decision", (d) => decisions.push(`${d.person}:${d.outcome}`));
    const now = Date.now();

    const paused = await f.hub.api?.inject({
      method: "PUT",
      url: "/api/controls",
      headers: AUTH,
      payload: { paused: true },
    });
    expect(paused?.json()).toMatchObject({ paused: true, mode: "normal", changed_by: "api" });
    await reading("alice", { ts: now + 1000, stress: 10 });
    await reading("alice", { ts: now + 2000, stress: 90 });
    await waitFor(() => f.hub.detector.state("alice")?.score === 90, { what: "score 90" });
    // The runner holds it back (pause is enforced there for every path to Home Assistant) and says why.
    const held = await waitFor(
      () => f.hub.store.actions.recent(20).find((e) => e.rule_id === "high-stress"),
      {
        what: "the held-back action in the log",
      },
    );
    expect(held).toMatchObject({ result: "refused", detail: "automation is paused" });
    decisions.length = 0;

    await f.hub.api?.inject({
      method: "PUT",
      url: "/api/controls",
      headers: AUTH,
      payload: { paused: false, mode: "guests" },
    });
    await reading("alice", { ts: now + 3000, stress: 10 });
    await reading("alice", { ts: now + 4000, stress: 90 });
    await waitFor(() => decisions.includes("alice:fired"), { what: "a fired decision" });
    // Guests hold back sound and notifications only; this fixture has no HA token, so the scene is dropped.
    const next = await waitFor(
      () => f.hub.store.actions.recent(20).find((e) => e.rule_id === "high-stress" && e.key !== held.key),
      { what: "the next action in the log" },
    );
    expect(next.result).toBe("dropped");
    const controls = await f.hub.api?.inject({ method: "GET", url: "/api/controls", headers: AUTH });
    expect(controls?.json()).toMatchObject({ paused: false, mode: "guests" });
    const bad = await f.hub.api?.inject({
      method: "PUT",
      url: "/api/controls",
      headers: AUTH,
      payload: { mode: "party" },
    });
    expect(bad?.statusCode).toBe(400);
  });
});

describe("GET /metrics", () => {
  it("Prometheus text: readings, rejections by reason, decisions, actions, latency histogram, links", async () => {
    await client.publishAsync(`${f.base}/alice/wearable`, "{not json", { qos: 1 });
    await waitFor(() => f.hub.ingest.counters.rejected.malformed_json === 1, { what: "the rejection" });
    const res = await f.hub.api?.inject({ method: "GET", url: "/metrics", headers: AUTH });
    expect(res?.statusCode).toBe(200);
    expect(res?.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res?.body ?? "";
    expect(text).toMatch(new RegExp(`^calm_readings_total ${f.hub.ingest.counters.accepted}$`, "m"));
    expect(text).toMatch(/^calm_readings_rejected_total\{reason="malformed_json"\} 1$/m);
    expect(text).toMatch(/^calm_readings_rejected_total\{reason="too_large"\} 0$/m);
    expect(text).toMatch(/^calm_decisions_total\{outcome="fired"\} [1-9]\d*$/m);
    expect(text).toMatch(/^# TYPE calm_actions_total counter$/m);
    expect(text).toMatch(/^calm_actions_total\{result="ok"\} \d+$/m);
    expect(text).toMatch(/^# TYPE calm_action_latency_seconds histogram$/m);
    expect(text).toMatch(/^calm_action_latency_seconds_bucket\{le="\+Inf"\} \d+$/m);
    expect(text).toMatch(/^calm_action_latency_seconds_count \d+$/m);
    expect(text).toMatch(/^calm_link_up\{link="mqtt"\} 1$/m);
    expect(text).toMatch(/^calm_link_up\{link="home_assistant"\} 0$/m);
    expect(text).toMatch(/^calm_link_state\{link="home_assistant",state="disabled"\} 1$/m);
    expect(text).toMatch(/^calm_automation_paused 0$/m);
    // Home Assistant's topics and the hub's own command topics are not counted as bad readings.
    expect(f.hub.ingest.counters.rejected.unknown_topic).toBeUndefined();
  });

  it("counts action latencies into the right buckets", async () => {
    const m = new Metrics({
      ingest: () => ({ accepted: 0, rejected: {} }),
      links: () => ({ mqtt: "online", home_assistant: "online" }),
      version: "t",
    });
    m.action("ok", 40);
    m.action("ok", 300);
    m.action("error", null);
    const text = await m.render();
    expect(text).toContain('calm_action_latency_seconds_bucket{le="0.025"} 0');
    expect(text).toContain('calm_action_latency_seconds_bucket{le="0.05"} 1');
    expect(text).toContain('calm_action_latency_seconds_bucket{le="0.5"} 2');
    expect(text).toContain('calm_action_latency_seconds_bucket{le="+Inf"} 2');
    expect(Number(text.match(/^calm_action_latency_seconds_sum (\S+)$/m)?.[1])).toBeCloseTo(0.34, 9);
    expect(text).toContain('calm_actions_total{result="error"} 1');
  });
});

describe("GET /api/stream (what the dashboard follows)", () => {
  it("streams stress, episode and control events to a token holder", async () => {
    const controller = new AbortController();
    const res = await fetch(`${f.hub.apiUrl}/api/stream?types=stress,episode,control`, {
      headers: AUTH,
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    const until = async (pattern: RegExp): Promise<RegExpMatchArray> => {
      for (;;) {
        const m = text.match(pattern);
        if (m) return m;
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await until(/: connected\n/);
    await reading("bob", { ts: Date.now(), stress: 72 });
    const stress = await until(/event: stress\nid: \d+\ndata: (.*"person":"bob".*)\n\n/);
    expect(JSON.parse(stress[1] ?? "")).toMatchObject({ person: "bob", score: 72, level: "high" });
    const e = await f.episodes.start("bob", "Study", "test");
    await f.hub.api?.inject({ method: "POST", url: `/api/episodes/${e.id}/stop`, headers: AUTH });
    const episode = await until(
      new RegExp(`event: episode\\nid: \\d+\\ndata: (.*"id":"${e.id}".*"state":"ended".*)\\n\\n`),
    );
    expect(JSON.parse(episode[1] ?? "")).toMatchObject({ id: e.id, ended_at: expect.any(Number) });
    await f.hub.api?.inject({
      method: "PUT",
      url: "/api/controls",
      headers: AUTH,
      payload: { mode: "sleep" },
    });
    const control = await until(/event: control\nid: \d+\ndata: (.*"mode":"sleep".*)\n\n/);
    expect(JSON.parse(control[1] ?? "")).toMatchObject({ paused: false, mode: "sleep" });
    await until(/: heartbeat\n\n/);
    expect(f.hub.views.stream.clientCount).toBe(1);
    controller.abort();
    await waitFor(() => f.hub.views.stream.clientCount === 0, { what: "the stream to close" });
  });
});

describe("OpenAPI", () => {
  it("documents the new routes", async () => {
    const res = await f.hub.api?.inject({ method: "GET", url: "/api/docs/json", headers: AUTH });
    const doc = res?.json() as { paths: Record<string, unknown> } | undefined;
    const paths = Object.keys(doc?.paths ?? {});
    for (const p of [
      "/api/people/{id}/state",
      "/api/people/{id}/readings",
      "/api/episodes",
      "/api/episodes/{id}/stop",
      "/api/schedule",
      "/api/stream",
      "/metrics",
      "/api/controls",
    ]) {
      expect(paths).toContain(p);
    }
  });
});

describe("GET /api/schedule (buildApi with a real store)", () => {
  const dir = mkdtempSync(join(tmpdir(), "calm-schedule-"));
  const store = new Store(dir);
  const berlin = LocationSchema.parse({ latitude: 52.52, longitude: 13.405, time_zone: "Europe/Berlin" });
  const windDowns = [
    WindDownConfigSchema.parse({ rooms: ["bedroom"], start: { bedtime: "22:30" }, duration_min: 30 }),
    WindDownConfigSchema.parse({ rooms: ["living_room"], start: { sun: "sunset", offset_min: 15 } }),
  ];
  let location: typeof berlin | undefined;
  const now = Date.UTC(2026, 9, 24, 10);

  async function app() {
    store.open();
    return buildApi(
      {
        token: "schedule-token-0123456789",
        logger: silentLogger(),
        version: "test",
        corsOrigins: [],
        authFailuresPerMin: 1000,
        allowedHosts: [],
        listenHost: "127.0.0.1",
        now: () => now,
        health: () => ({
          status: "ok",
          mqtt: "online",
          home_assistant: "online",
          version: "test",
          uptime_s: 0,
        }),
        recentActions: (limit, person) => store.actions.recent(limit, person),
        rules: new RuleRegistry([], store.rules),
        dryRun: () => [],
        people: () => [],
        exportPerson: (id) => store.exportPerson(id),
        deletePerson: (id) => store.deletePerson(id),
      },
      [
        routeGroup(viewRoutes, {
          now: () => now,
          people: () => [],
          history: new StressHistory(),
          samples: (p, since, limit) => store.samples.list(p, since, limit),
          episodes: () => undefined,
          bands: () => ({ elevated: 40, high: 60 }),
          controls: new HubControls(),
          windDowns: () => windDowns,
          location: () => location,
        }),
      ],
    );
  }
  const auth = { authorization: "Bearer schedule-token-0123456789" };

  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("409 while the home's location is unknown", async () => {
    location = undefined;
    const res = await (await app()).inject({ method: "GET", url: "/api/schedule", headers: auth });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: "CALM_ERR_NO_LOCATION" });
  });

  it("the same JSON as calm-hub schedule --json; from defaults to today in the home's zone", async () => {
    location = berlin;
    const api = await app();
    const res = await api.inject({
      method: "GET",
      url: "/api/schedule?from=2026-10-24&days=3",
      headers: auth,
    });
    expect(res.statusCode).toBe(200);
    const expected = planWindDowns(windDowns, { from: "2026-10-24", days: 3, location: berlin }).map(
      toScheduleEntry,
    );
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(res.json()).toHaveLength(6);
    const today = await api.inject({ method: "GET", url: "/api/schedule?days=1", headers: auth });
    expect((today.json() as { date: string }[]).map((e) => e.date)).toEqual(["2026-10-24", "2026-10-24"]);
    const bad = await api.inject({ method: "GET", url: "/api/schedule?from=24.10.2026", headers: auth });
    expect(bad.statusCode).toBe(400);
  });
});
