import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../hub/core/index.js";
import { type EmbeddedNodeRed, startNodeRed } from "../../hub/nodered/index.js";
import type { Decision } from "../../hub/rules/index.js";
import { waitFor } from "../support/wait-for.js";
import { startTestHub, type TestHub } from "./support.js";

interface RuleEntry {
  origin: string;
  rule: { id: string; trigger: { above?: number }; cooldown_s: number; actions: unknown[] };
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
    expect(entry.rule.trigger).toEqual({ type: "stress", above: 70 });
    expect(entry.rule.cooldown_s).toBe(60);
    expect(entry.rule.actions).toEqual([
      { action: "scene.turn_on", target: { entity_id: "scene.calm_{person}" } },
    ]);
  });

  it("applies a flow deployed through the admin API: the hub's rule changes", async () => {
    const flows = (await (await fetch(`${nodeRed.url}/flows`)).json()) as FlowNode[];
    const node = flows.find((n) => n.type === "calm-rule" && n.rule_id === "stress-scene-nodered");
    expect(node).toBeDefined();
    const changed = flows.map((n) => (n === node ? { ...n, threshold: 80 } : n));
    const res = await fetch(`${nodeRed.url}/flows`, {
      method: "POST",
      headers: { "content-type": "application/json", "Node-RED-Deployment-Type": "full" },
      body: JSON.stringify(changed),
    });
    expect(res.ok).toBe(true); // 204 for the v1 admin API
    await waitFor(async () => (await rule("stress-scene-nodered"))?.rule.trigger.above === 80, {
      what: "threshold 80 in the hub",
    });
    expect((await rule("stress-scene-nodered"))?.origin).toBe("node-red");

    const at80 = await hub.api("POST", "/api/rules/stress-scene-nodered/dry-run", {
      person: "alice",
      score: 80,
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
      score: 79,
    });
    expect((at79.body as { decisions: unknown[] }).decisions).toEqual([]);

    // And for real: readings below, then at, the new threshold reach the hub over MQTT; Home Assistant (the
    // simulator) receives the scene only for the one at 80 or more.
    const wearable = await mqtt.connectAsync(hub.mqttUrl, { clientId: `wearable-nr-${Date.now()}` });
    const decisions: Decision[] = [];
    const onDecision = (d: Decision): void => {
      decisions.push(d);
    };
    hub.hub.events.on("decision", onDecision);
    try {
      const t0 = Date.now();
      const send = (ts: number, stress: number) =>
        wearable.publishAsync("calm/alice/wearable", JSON.stringify({ ts, stress }), { qos: 1 });
      const accepted = hub.hub.ingest.counters.accepted;
      await send(t0, 20);
      await send(t0 + 1, 79);
      // Rules are decided as each reading is taken in, and a call only ever follows a decision to fire.
      await waitFor(() => hub.hub.ingest.counters.accepted === accepted + 2, {
        what: "both readings taken in",
      });
      expect(decisions.filter((d) => d.rule_id === "stress-scene-nodered" && d.outcome === "fired")).toEqual(
        [],
      );
      expect(hub.sim.calls.filter((c) => JSON.stringify(c.target).includes("scene.calm_alice"))).toHaveLength(
        0,
      );
      await send(t0 + 2, 10);
      await send(t0 + 3, 85);
      const call = await hub.sim.waitForCall(
        (c) => c.domain === "scene" && JSON.stringify(c.target).includes("scene.calm_alice"),
        5_000,
      );
      expect(call.service).toBe("turn_on");
      expect(
        decisions.filter((d) => d.rule_id === "stress-scene-nodered" && d.outcome === "fired"),
      ).toHaveLength(1);
    } finally {
      hub.hub.events.off("decision", onDecision);
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

  it("runs the wind-down flow: a wind-down start becomes a Home Assistant logbook note", async () => {
    const before = hub.actions.length;
    hub.hub.events.emit("wind_down", { phase: "start", room: "bedroom", date: "2026-11-27", detail: "" });
    await waitFor(() => hub.actions.slice(before).some((a) => a.action === "logbook.log"), {
      what: "logbook.log action",
    });
  });
});
