// Actors: a dashboard or Node-RED node (fetch over a real socket, reading the server-sent events as text), the
// observer bus (a real EventBus with the hub's event map, fed by hand) and, at the end, a whole Hub
// whose per-person delete must also empty the replay buffer.
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { EventStream, routeGroup, streamHubEvents, streamRoutes } from "../../hub/api/index.js";
import { EventBus, type HubEvents, type StressState, silentLogger } from "../../hub/core/index.js";
import { waitFor } from "../support/wait-for.js";
import { AUTH, connectClient, startHub } from "./fixture.js";
import { MINIMAL_AUTH, minimalApi } from "./minimal-api.js";

interface Frame {
  event: string;
  id: number;
  data: Record<string, unknown>;
}

/** An open stream: its frames as they arrive, parsed; comments (heartbeats) counted apart. */
async function follow(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const frames: Frame[] = [];
  let comments: string[] = [];
  let text = "";
  const done = (async () => {
    if (!res.ok || !res.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) {
        text += decoder.decode(chunk, { stream: true });
        let cut = text.indexOf("\n\n");
        while (cut >= 0) {
          const block = text.slice(0, cut);
          text = text.slice(cut + 2);
          cut = text.indexOf("\n\n");
          const fields = new Map<string, string>();
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) comments = [...comments, line.slice(1).trim()];
            else {
              const i = line.indexOf(":");
              fields.set(line.slice(0, i), line.slice(i + 1).trim());
            }
          }
          const event = fields.get("event");
          if (event)
            frames.push({
              event,
              id: Number(fields.get("id")),
              data: JSON.parse(fields.get("data") ?? "null"),
            });
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    res,
    frames,
    comments: () => comments,
    async close() {
      controller.abort();
      await done;
    },
  };
}

const state = (person: string, level: StressState["level"], score: number): StressState => ({
  person,
  level,
  score,
  since: 1,
  at: 2,
  reason: "heart rate well above your evening baseline",
  baseline_ready: true,
  actionable: true,
});

describe("GET /api/stream", () => {
  let api: FastifyInstance | undefined;
  let events: EventBus<HubEvents>;
  let stream: EventStream;
  const open: { close(): Promise<void> }[] = [];

  async function start(options: { replay?: number; maxClients?: number; heartbeatMs?: number } = {}) {
    events = new EventBus<HubEvents>();
    stream = new EventStream({ logger: silentLogger(), now: () => Date.now(), ...options });
    streamHubEvents(stream, events.owner("test"), () => Date.now());
    api = await minimalApi([routeGroup(streamRoutes, { stream })]);
    await api.listen({ host: "127.0.0.1", port: 0 });
    const addr = api.server.address();
    if (!addr || typeof addr === "string") throw new Error("no address");
    return `http://127.0.0.1:${addr.port}/api/stream`;
  }
  async function connect(url: string, headers: Record<string, string> = {}) {
    const s = await follow(url, { ...MINIMAL_AUTH, ...headers });
    open.push(s);
    return s;
  }

  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await api?.close();
    api = undefined;
  });

  it("needs the token and refuses an unknown event type", async () => {
    const url = await start();
    expect((await fetch(url)).status).toBe(401);
    const bad = await fetch(`${url}?types=stress,readings`, { headers: MINIMAL_AUTH });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "CALM_ERR_BAD_REQUEST" });
  });

  it("sends only the requested types, numbered in order, with heartbeats", async () => {
    const url = await start({ heartbeatMs: 50 });
    const chosen = await connect(`${url}?types=decision,episode`);
    const all = await connect(url);
    await waitFor(() => stream.clientCount === 2, { what: "two clients" });
    events.emit("stress", state("alice", "high", 75.44), undefined);
    events.emit("decision", { rule_id: "r", person: "alice", outcome: "fired", detail: "d", actions: [] });
    events.emit(
      "episode",
      {
        id: "e1",
        person: "alice",
        room: "study",
        started_at: 1,
        ended_at: null,
        state: "active",
        reason: "stress stayed high",
        end_reason: null,
        soundscape: "rain",
        overridden: [],
      },
      "started",
    );
    await waitFor(() => all.frames.length === 3 && chosen.frames.length === 2, { what: "the events" });
    await waitFor(() => chosen.comments().includes("heartbeat"), { what: "a heartbeat" });
    expect(chosen.frames.map((f) => f.event)).toEqual(["decision", "episode"]);
    expect(all.frames.map((f) => f.event)).toEqual(["stress", "decision", "episode"]);
    const ids = all.frames.map((f) => f.id);
    expect(ids[1]).toBe((ids[0] ?? 0) + 1);
    expect(ids[2]).toBe((ids[0] ?? 0) + 2);
    expect(chosen.frames.map((f) => f.id)).toEqual(ids.slice(1));
    expect(all.frames[0]?.data).toEqual({
      person: "alice",
      level: "high",
      previous_level: null,
      score: 75.4,
      at: 2,
      since: 1,
      reason: "heart rate well above your evening baseline",
    });
    // A running episode has no end: null from the manager is left out, as in GET /api/episodes.
    expect(all.frames[2]?.data).not.toHaveProperty("ended_at");
  });

  it("replays what a reconnecting client missed (Last-Event-ID), filtered, from a bounded buffer", async () => {
    const url = await start({ replay: 4 });
    const first = await connect(url);
    await waitFor(() => stream.clientCount === 1, { what: "the client" });
    events.emit("stress", state("alice", "calm", 10), undefined);
    events.emit("decision", { rule_id: "r", person: "alice", outcome: "cooldown", detail: "d", actions: [] });
    await waitFor(() => first.frames.length === 2, { what: "two events" });
    const seen = first.frames[1]?.id ?? 0;
    await first.close();
    // While it is away: five more, of which the buffer keeps the last four.
    for (const score of [20, 30, 40])
      events.emit("stress", state("alice", "calm", score), state("alice", "calm", 1));
    events.emit("decision", { rule_id: "r", person: "alice", outcome: "fired", detail: "d", actions: [] });
    events.emit("stress", state("alice", "elevated", 50), state("alice", "calm", 40));

    const back = await connect(`${url}?types=stress`, { "last-event-id": String(seen) });
    await waitFor(() => back.frames.length === 3, { what: "the replay" });
    expect(back.frames.map((f) => f.data.score)).toEqual([30, 40, 50]);
    expect(back.frames.every((f) => f.id > seen)).toBe(true);
    // Then it is live again, after the replay.
    events.emit("stress", state("alice", "high", 70), state("alice", "elevated", 50));
    await waitFor(() => back.frames.length === 4, { what: "a live event after the replay" });
    expect(back.frames[3]?.data.score).toBe(70);

    // Without Last-Event-ID a client gets no history: only what happens from now on.
    const fresh = await connect(url);
    await waitFor(() => stream.clientCount === 2, { what: "the new client" });
    events.emit("stress", state("bob", "calm", 5), undefined);
    await waitFor(() => fresh.frames.length === 1, { what: "bob's event" });
    expect(fresh.frames[0]?.data.person).toBe("bob");
  });

  it("streams levels and scores, never raw readings: unknown fields and sample events stay out", async () => {
    const url = await start();
    const s = await connect(url);
    await waitFor(() => stream.clientCount === 1, { what: "the client" });
    // As if a later stage put the reading itself on the state.
    events.emit("stress", { ...state("alice", "high", 80), hr: 131, hrv: 12 } as StressState, undefined);
    events.emit("sample", { sample: { person: "alice", hr: 131 }, fresh: true } as never);
    events.emit("voice", { person: "alice", room: "study", intent: "relax", outcome: "started" });
    await waitFor(() => s.frames.length === 2, { what: "the events" });
    expect(s.frames.map((f) => f.event)).toEqual(["stress", "voice"]);
    const stress = s.frames[0]?.data ?? {};
    expect(Object.keys(stress).sort()).toEqual(
      ["at", "level", "person", "previous_level", "reason", "score", "since"].sort(),
    );
    // The data only: event ids are numbers that may happen to contain the digits.
    expect(JSON.stringify(s.frames.map((f) => f.data))).not.toContain("131");
  });

  it("answers 503 CALM_ERR_BUSY past its client limit", async () => {
    const url = await start({ maxClients: 1 });
    await connect(url);
    await waitFor(() => stream.clientCount === 1, { what: "the client" });
    const second = await fetch(url, { headers: MINIMAL_AUTH });
    expect(second.status).toBe(503);
    expect(await second.json()).toMatchObject({ code: "CALM_ERR_BUSY" });
  });
});

describe("GET /api/stream on a whole hub", () => {
  const hubs: { stop(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const h of hubs) await h.stop();
  });

  it("deleting a person's data drops their events from the replay buffer", async () => {
    const f = await startHub();
    hubs.push(f);
    const client = await connectClient(f.broker.url, `wearable_${f.base}`);
    try {
      const url = `${f.hub.apiUrl}/api/stream?types=stress`;
      const live = await follow(url, AUTH);
      await waitFor(() => f.hub.views.stream.clientCount === 1, { what: "the client" });
      const at = Date.now();
      await client.publishAsync(`${f.base}/alice/wearable`, JSON.stringify({ ts: at, stress: 70 }), {
        qos: 1,
      });
      await client.publishAsync(`${f.base}/bob/wearable`, JSON.stringify({ ts: at, stress: 30 }), { qos: 1 });
      await waitFor(() => live.frames.length === 2, { what: "both readings on the stream" });
      await live.close();
      const before = Math.min(...live.frames.map((fr) => fr.id)) - 1;

      const deleted = await f.hub.api?.inject({
        method: "DELETE",
        url: "/api/people/alice/data",
        headers: AUTH,
      });
      expect(deleted?.statusCode).toBe(200);
      const again = await follow(url, { ...AUTH, "last-event-id": String(before) });
      await waitFor(() => again.frames.length >= 1, { what: "the replay" });
      await again.close();
      expect(again.frames.map((fr) => fr.data.person)).toEqual(["bob"]);
    } finally {
      await client.endAsync();
    }
  });
});
