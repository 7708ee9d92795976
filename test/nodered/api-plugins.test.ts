import { once } from "node:events";
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActionOutcome } from "../../hub/actions/index.js";
import { runViaActionRunner } from "../../hub/api/index.js";
import { systemClock } from "../../hub/core/index.js";
import type { PlannedAction } from "../../hub/rules/index.js";
import { waitFor } from "../support/wait-for.js";
import { require, startTestHub, type TestHub } from "./support.js";

const { SseParser, followEventStream } = require("../../flows/nodes/lib/hub-client.cjs") as {
  SseParser: new (onEvent: (type: string, data: string) => void) => { push(chunk: string): void };
  followEventStream(options: {
    link: () => { url: string; token: string };
    onEvent: (type: string, data: unknown) => void;
    onState: (state: string) => void;
    minDelayMs?: number;
  }): { close(): void };
};

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.stop();
});

/** Reads a server-sent events response until `until` holds for the text received so far. */
async function readStream(res: Response, until: (text: string) => boolean): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) throw new Error("no body");
  const decoder = new TextDecoder();
  let text = "";
  while (!until(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

describe("GET /api/stream (what calm-event in follows)", () => {
  it("needs the bearer token", async () => {
    const res = await fetch(`${hub.url}/api/stream`);
    expect(res.status).toBe(401);
  });

  it("streams the requested event types, with heartbeats", async () => {
    const controller = new AbortController();
    const res = await fetch(`${hub.url}/api/stream?types=decision`, {
      headers: { authorization: `Bearer ${hub.token}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const emit = (hub.hub.events as unknown as { emit(name: string, data: unknown): void }).emit.bind(
      hub.hub.events,
    );
    setTimeout(() => {
      emit("stress", {
        person: "a",
        level: "calm",
        score: 1,
        since: 0,
        at: 0,
        reason: "",
        baseline_ready: true,
        actionable: true,
      }); // not requested
      emit("decision", { rule_id: "r", person: "alice", outcome: "fired", detail: "d", actions: [] });
    }, 50);
    const text = await readStream(res, (t) => t.includes("event: decision") && t.includes(": heartbeat"));
    controller.abort();
    expect(text).not.toContain("event: stress");
    expect(text).toMatch(/event: decision\nid: \d+\ndata: \{"rule_id":"r","person":"alice"/);
  });
});

describe("POST /api/actions/run", () => {
  it("substitutes {person} and hands the action to runAction", async () => {
    const res = await hub.api("POST", "/api/actions/run", {
      action: "light.turn_on",
      target: { area_id: "{person}_room" },
      data: { brightness_pct: 20 },
      person: "bob",
    });
    expect(res).toEqual({ status: 200, body: { result: "ok", detail: "done" } });
    expect(hub.actions.at(-1)).toEqual({
      action: "light.turn_on",
      target: { area_id: "bob_room" },
      data: { brightness_pct: 20 },
    });
  });

  it("refuses a body that is not a rule action", async () => {
    const before = hub.actions.length;
    const res = await hub.api("POST", "/api/actions/run", { action: "scene.turn_on", target: { nope: "x" } });
    expect(res.status).toBe(400);
    expect((res.body as { issues: { path: string }[] }).issues[0]?.path).toBe("target");
    expect(hub.actions.length).toBe(before);
  });
});

describe("runViaActionRunner", () => {
  it("submits one planned action and resolves with its outcome", async () => {
    const listeners = new Set<(o: ActionOutcome) => void>();
    const submitted: PlannedAction[] = [];
    const runner = {
      onOutcome(l: (o: ActionOutcome) => void) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      submit(actions: readonly PlannedAction[]) {
        submitted.push(...actions);
        for (const a of actions)
          for (const l of [...listeners]) l({ action: a, result: "ok", detail: "done", latency_ms: 3 });
      },
    };
    const run = runViaActionRunner(runner, systemClock, { ttlMs: 5_000 });
    await expect(
      run({ action: "scene.turn_on", target: { entity_id: "scene.calm" }, person: "alice" }),
    ).resolves.toEqual({
      result: "ok",
      detail: "done",
    });
    expect(submitted[0]).toMatchObject({
      rule_id: "node-red",
      person: "alice",
      domain: "scene",
      service: "turn_on",
      target: { entity_id: "scene.calm" },
    });
    expect(listeners.size).toBe(0);
  });
});

describe("SseParser (calm nodes)", () => {
  it("handles split chunks, CRLF, comments and multi-line data", () => {
    const got: [string, string][] = [];
    const p = new SseParser((type, data) => got.push([type, data]));
    p.push(": hi\r\nevent: stress\r\nda");
    p.push('ta: {"a":1}\r\n\r\ndata: one\ndata: two\n\n');
    expect(got).toEqual([
      ["stress", '{"a":1}'],
      ["message", "one\ntwo"],
    ]);
  });
});

describe("followEventStream (calm nodes)", () => {
  it("reconnects after the stream drops, and reports unauthorized", async () => {
    let connections = 0;
    const server = createServer((req, res) => {
      connections++;
      if (connections === 2) {
        res.writeHead(401).end();
        return;
      }
      expect(req.headers.authorization).toBe("Bearer t");
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(`event: voice\ndata: {"n":${connections}}\n\n`); // then the stream ends
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as { port: number }).port;
    const events: unknown[] = [];
    const states: string[] = [];
    // Closed from the second event on: the server would go on serving one event per connection.
    const stream: { close(): void } = followEventStream({
      link: () => ({ url: `http://127.0.0.1:${port}`, token: "t" }),
      onEvent: (type, data) => {
        events.push([type, data]);
        if (events.length === 2) stream.close();
      },
      onState: (s) => states.push(s),
      minDelayMs: 10,
    });
    await waitFor(() => events.length >= 2, { what: "two events over two connections" });
    server.close();
    expect(events).toEqual([
      ["voice", { n: 1 }],
      ["voice", { n: 3 }],
    ]);
    expect(states).toContain("unauthorized");
    expect(states.filter((s) => s === "connected")).toHaveLength(2);
  });
});
