import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../hub/core/index.js";
import { type EmbeddedNodeRed, startNodeRed } from "../../hub/nodered/index.js";
import { sleep, waitFor } from "../support/wait-for.js";
import { startTestHub, type TestHub } from "./support.js";

interface RuleEntry {
  origin: string;
  rule: {
    id: string;
    description?: string;
    trigger: { above?: number };
    conditions?: unknown[];
    cooldown_s: number;
    actions: unknown[];
  };
}
interface FlowNode {
  id: string;
  type: string;
  [key: string]: unknown;
}

let hub: TestHub;
let nodeRed: EmbeddedNodeRed;
let userDir: string;

beforeAll(async () => {
  hub = await startTestHub();
  userDir = await mkdtemp(join(tmpdir(), "calm-nodered-user-"));
  nodeRed = await startNodeRed({
    port: 0,
    hubUrl: hub.url,
    apiToken: hub.token,
    userDir,
    logger: silentLogger(),
  });
});

afterAll(async () => {
  await nodeRed?.stop();
  await hub?.stop();
  if (userDir) await rm(userDir, { recursive: true, force: true });
});

async function rule(id: string): Promise<RuleEntry | undefined> {
  const res = await hub.api("GET", `/api/rules/${id}`);
  return res.status === 200 ? (res.body as RuleEntry) : undefined;
}

describe("embedded Node-RED with the example flows", () => {
  it("serves the editor and has the calm nodes in its palette", async () => {
    const editor = await fetch(nodeRed.editorUrl);
    expect(editor.status).toBe(200);
    const nodes = (await (
      await fetch(`${nodeRed.url}/nodes`, { headers: { accept: "application/json" } })
    ).json()) as {
      module: string;
      types: string[];
      enabled: boolean;
      err?: string;
    }[];
    const calm = nodes.filter((n) => n.module === "calm-hub");
    expect(calm.flatMap((n) => n.types).sort()).toEqual([
      "calm-action",
      "calm-event in",
      "calm-hub",
      "calm-rule",
    ]);
    expect(calm.every((n) => n.enabled && !n.err)).toBe(true);
  });

  it("keeps the API token out of flows.json", async () => {
    expect(await readFile(join(userDir, "flows.json"), "utf8")).not.toContain(hub.token);
  });

  it("saves the example stress rule to the hub on start", async () => {
    const entry = await waitFor(() => rule("stress-scene-nodered"), {
      what: "stress-scene-nodered in the hub",
      timeoutMs: 10_000,
    });
    expect(entry.origin).toBe("node-red");
    expect(entry.rule.trigger).toEqual({ type: "stress", above: 45 });
    // Only while not yet high: at high the config's calm-episode rule has the room.
    expect(entry.rule.conditions).toEqual([{ type: "level", in: ["calm", "elevated"] }]);
    expect(entry.rule.description).toBe(
      "Stress reaches 45 before it is high: turn on the person's calm scene (at high, the calm episode takes over).",
    );
    expect(entry.rule.cooldown_s).toBe(600);
    expect(entry.rule.actions).toEqual([
      { action: "scene.turn_on", target: { entity_id: "scene.calm_{person}" } },
    ]);
  });

  it("applies a flow deployed through the admin API: the hub's rule changes", async () => {
    const flows = (await (await fetch(`${nodeRed.url}/flows`)).json()) as FlowNode[];
    const node = flows.find((n) => n.type === "calm-rule" && n.rule_id === "stress-scene-nodered");
    expect(node).toBeDefined();
    const changed = flows.map((n) => (n === node ? { ...n, threshold: 50 } : n));
    const res = await fetch(`${nodeRed.url}/flows`, {
      method: "POST",
      headers: { "content-type": "application/json", "Node-RED-Deployment-Type": "full" },
      body: JSON.stringify(changed),
    });
    expect(res.ok).toBe(true); // 204 for the v1 admin API
    await waitFor(async () => (await rule("stress-scene-nodered"))?.rule.trigger.above === 50, {
      what: "threshold 50 in the hub",
    });
    expect((await rule("stress-scene-nodered"))?.origin).toBe("node-red");
    // The words follow the number: no stale 45 left in the rule's description.
    const description = (await rule("stress-scene-nodered"))?.rule.description ?? "";
    expect(description).toContain("Stress reaches 50 ");
    expect(description).not.toContain("45");

    const at80 = await hub.api("POST", "/api/rules/stress-scene-nodered/dry-run", {
      person: "alice",
      score: 50,
    });
    const fired = (
      at80.body as {
        decisions: { outcome: string; actions: { domain: string; service: string; target: unknown }[] }[];
      }
    ).decisions;
    expect(fired).toHaveLength(1);
    expect(fired[0]?.outcome).toBe("fired");
    expect(fired[0]?.actions[0]).toMatchObject({
      domain: "scene",
      service: "turn_on",
      target: { entity_id: "scene.calm_alice" },
    });
    const at79 = await hub.api("POST", "/api/rules/stress-scene-nodered/dry-run", {
      person: "alice",
      score: 49,
    });
    expect((at79.body as { decisions: unknown[] }).decisions).toEqual([]);
    // At high the rule holds back (its condition), so it never acts beside the calm episode.
    const atHigh = await hub.api("POST", "/api/rules/stress-scene-nodered/dry-run", {
      person: "alice",
      score: 85,
    });
    expect((atHigh.body as { decisions: { outcome: string }[] }).decisions.map((d) => d.outcome)).toEqual([
      "conditions",
    ]);

    // And for real: readings below, then at, the new threshold reach the hub over MQTT; Home Assistant (the
    // simulator) receives the scene only for the one at 50 or more while the level is not yet high.
    const wearable = await mqtt.connectAsync(hub.mqttUrl, { clientId: `wearable-nr-${Date.now()}` });
    try {
      const t0 = Date.now();
      const send = (ts: number, stress: number) =>
        wearable.publishAsync("calm/alice/wearable", JSON.stringify({ ts, stress }), { qos: 1 });
      await send(t0, 20);
      await send(t0 + 1, 49);
      await sleep(300);
      expect(hub.sim.calls.filter((c) => JSON.stringify(c.target).includes("scene.calm_alice"))).toHaveLength(
        0,
      );
      await send(t0 + 2, 10);
      await send(t0 + 3, 55);
      const call = await hub.sim.waitForCall(
        (c) => c.domain === "scene" && JSON.stringify(c.target).includes("scene.calm_alice"),
        5_000,
      );
      expect(call.service).toBe("turn_on");
    } finally {
      await wearable.endAsync();
    }
  });

  it("runs the voice branch: a voice request from the hub becomes a scene through calm-action", async () => {
    await waitFor(
      async () => {
        const before = hub.actions.length;
        hub.hub.events.emit("voice", {
          person: "alice",
          room: "living_room",
          intent: "calm",
          outcome: "episode_started",
        });
        await new Promise((r) => setTimeout(r, 150));
        return hub.actions.length > before;
      },
      { what: "voice request turned into an action", timeoutMs: 10_000, intervalMs: 200 },
    );
    const call = hub.actions.at(-1);
    expect(call?.action).toBe("scene.turn_on");
    expect(["scene.calm_night_alice", "scene.calm_alice"]).toContain(
      (call?.target as { entity_id?: string } | undefined)?.entity_id,
    );
  });

  it('the voice branch does nothing after "stop": the room the hub gave back stays as it is', async () => {
    const before = hub.actions.length;
    const voice = (intent: string, outcome: string) =>
      hub.hub.events.emit("voice", { person: "alice", room: "living_room", intent, outcome });
    voice("stop", "stopped");
    voice("wind_down", "wind_down_started");
    // A calm request after them is the observable: once its scene arrives, the two before have been handled.
    voice("calm", "calm_started");
    await waitFor(() => hub.actions.length > before, { what: "the calm request's scene", timeoutMs: 10_000 });
    const log = hub.hub.store.recentActions(20).filter((e) => e.rule_id === "node-red");
    await waitFor(
      () => hub.hub.store.recentActions(20).some((e) => e.trigger.cause?.why.includes("(calm)")),
      {
        what: "calm request in the action log",
      },
    );
    expect(hub.actions.slice(before)).toHaveLength(1);
    expect(hub.actions.slice(before)[0]?.action).toBe("scene.turn_on");
    // The action log names the flow and the voice request, not a stress score.
    const entry = hub.hub.store.recentActions(20).find((e) => e.trigger.cause?.why.includes("(calm)"));
    expect(entry?.trigger.cause).toMatchObject({
      kind: "node_red",
      why: "voice request (calm) from alice",
      summary: 'voice request (calm) from alice → Node-RED flow "Calm: voice requests"',
    });
    expect(log.every((e) => !e.trigger.cause?.why.includes("(stop)"))).toBe(true);
  });

  it("runs the wind-down flow: a wind-down start becomes a Home Assistant logbook note", async () => {
    const before = hub.actions.length;
    hub.hub.events.emit("wind_down", { phase: "start", room: "bedroom", date: "2026-11-27", detail: "" });
    await waitFor(() => hub.actions.slice(before).some((a) => a.action === "logbook.log"), {
      what: "logbook.log action",
    });
  });
});
