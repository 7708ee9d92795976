import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/wait-for.js";
import { calmNodes, helper, lastStatus, startTestHub, type TestHub, type TestNode } from "./support.js";

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
  await helper.startServer();
});

afterAll(async () => {
  await helper.stopServer();
  await hub?.stop();
});

afterEach(async () => {
  await helper.unload();
});

const TAB = { id: "f1", type: "tab", label: "test" };

function hubNode(token = hub.token, url = hub.url): { node: object; creds: Record<string, unknown> } {
  return {
    node: { id: "hub1", type: "calm-hub", name: "test hub", url, poll_s: 1 },
    creds: { hub1: { token } },
  };
}

const validRule = {
  id: "r1",
  type: "calm-rule",
  z: "f1",
  hub: "hub1",
  rule_id: "nr-test",
  description: "from a test",
  trigger_type: "stress",
  threshold: "70",
  level: "high",
  after: "",
  before: "",
  cooldown_s: "60",
  ttl_s: "30",
  people: "",
  actions: JSON.stringify([{ action: "scene.turn_on", target: { entity_id: "scene.calm_{person}" } }]),
  wires: [["out"]],
};

function collect(node: TestNode | null): { payload: unknown; topic?: string; person?: string }[] {
  const got: { payload: unknown; topic?: string; person?: string }[] = [];
  node?.on("input", ((msg: { payload: unknown; topic?: string; person?: string }) => got.push(msg)) as never);
  return got;
}

describe("calm-hub link", () => {
  it("shows connected with the right token", async () => {
    const { node, creds } = hubNode();
    await helper.load(
      calmNodes,
      [
        TAB,
        node,
        { id: "ev", type: "calm-event in", z: "f1", hub: "hub1", types: "", person: "", wires: [] },
      ],
      creds,
    );
    const ev = helper.getNode("ev");
    await waitFor(() => lastStatus(ev)?.text === "connected", { what: "connected status" });
  });

  it("shows unauthorized with a wrong token", async () => {
    const { node, creds } = hubNode("wrong-token-wrong-token");
    await helper.load(
      calmNodes,
      [
        TAB,
        node,
        { id: "ev", type: "calm-event in", z: "f1", hub: "hub1", types: "", person: "", wires: [] },
      ],
      creds,
    );
    await waitFor(() => lastStatus(helper.getNode("ev"))?.text === "unauthorized", {
      what: "unauthorized status",
    });
    await waitFor(() => (helper.getNode("hub1") as unknown as { state: string }).state === "unauthorized");
  });

  it("shows hub unreachable when nothing listens", async () => {
    const { node, creds } = hubNode(hub.token, "http://127.0.0.1:9");
    await helper.load(
      calmNodes,
      [
        TAB,
        node,
        { id: "ev", type: "calm-event in", z: "f1", hub: "hub1", types: "", person: "", wires: [] },
      ],
      creds,
    );
    await waitFor(() => lastStatus(helper.getNode("ev"))?.text === "hub unreachable", {
      what: "unreachable status",
    });
  });
});

describe("calm-rule", () => {
  it("saves the rule to the hub on deploy, with origin node-red", async () => {
    const { node, creds } = hubNode();
    await helper.load(calmNodes, [TAB, node, validRule, { id: "out", type: "helper", z: "f1" }], creds);
    const rule = helper.getNode("r1");
    await waitFor(() => lastStatus(rule)?.text === "active", { what: "active status" });
    const res = await hub.api("GET", "/api/rules/nr-test");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      origin: "node-red",
      rule: {
        id: "nr-test",
        trigger: { type: "stress", above: 70 },
        cooldown_s: 60,
        ttl_s: 30,
        description: "from a test",
      },
    });
  });

  it("answers a dry run with the hub's decisions", async () => {
    const { node, creds } = hubNode();
    await helper.load(calmNodes, [TAB, node, validRule, { id: "out", type: "helper", z: "f1" }], creds);
    const got = collect(helper.getNode("out"));
    helper.getNode("r1")?.receive({ payload: { person: "alice", score: 80 } });
    await waitFor(() => got.length === 1, { what: "dry-run output" });
    const decisions = got[0]?.payload as { outcome: string; actions: { target: unknown }[] }[];
    expect(decisions[0]?.outcome).toBe("fired");
    expect(decisions[0]?.actions[0]?.target).toEqual({ entity_id: "scene.calm_alice" });
  });

  it("shows the hub's validation error, reaches a Catch node, and changes nothing in the hub", async () => {
    const before = await hub.api("GET", "/api/rules");
    const { node, creds } = hubNode();
    const invalid = { ...validRule, id: "bad", rule_id: "nr-invalid", threshold: "150" };
    await helper.load(
      calmNodes,
      [
        TAB,
        node,
        invalid,
        { id: "catcher", type: "catch", z: "f1", scope: null, uncaught: false, wires: [["caught"]] },
        { id: "caught", type: "helper", z: "f1" },
      ],
      creds,
    );
    const caught = collect(helper.getNode("caught"));
    const bad = helper.getNode("bad");
    await waitFor(() => lastStatus(bad)?.fill === "red", { what: "red status" });
    expect(lastStatus(bad)?.text).toMatch(/^trigger\.above: /);
    await waitFor(() => caught.length === 1, { what: "caught error" });
    expect((caught[0] as { error?: { message: string } }).error?.message).toMatch(
      /nr-invalid.*trigger\.above/,
    );
    expect((await hub.api("GET", "/api/rules/nr-invalid")).status).toBe(404);
    expect((await hub.api("GET", "/api/rules")).body).toEqual(before.body);
  });

  it("keeps the rule on a plain redeploy and deletes it when the node is removed", async () => {
    const { node, creds } = hubNode();
    const flow = [TAB, node, { ...validRule, rule_id: "nr-removed" }, { id: "out", type: "helper", z: "f1" }];
    await helper.load(calmNodes, flow, creds);
    await waitFor(() => lastStatus(helper.getNode("r1"))?.text === "active");
    // A full redeploy of a changed rule: the node restarts (removed = false), the rule is replaced, never deleted.
    await helper.setFlows(
      [
        TAB,
        node,
        { ...validRule, rule_id: "nr-removed", threshold: "65" },
        { id: "out", type: "helper", z: "f1" },
      ],
      "full",
      creds,
    );
    await waitFor(
      async () =>
        ((await hub.api("GET", "/api/rules/nr-removed")).body as { rule?: { trigger?: { above?: number } } })
          .rule?.trigger?.above === 65,
    );
    // The node deleted from the flow: the rule goes too.
    await helper.setFlows([TAB, node, { id: "out", type: "helper", z: "f1" }], "full", creds);
    await waitFor(async () => (await hub.api("GET", "/api/rules/nr-removed")).status === 404, {
      what: "rule deleted",
    });
  });

  it("deletes the old rule when the rule id is edited", async () => {
    const { node, creds } = hubNode();
    await helper.load(
      calmNodes,
      [TAB, node, { ...validRule, rule_id: "nr-old" }, { id: "out", type: "helper", z: "f1" }],
      creds,
    );
    await waitFor(async () => (await hub.api("GET", "/api/rules/nr-old")).status === 200);
    await helper.setFlows(
      [TAB, node, { ...validRule, rule_id: "nr-new" }, { id: "out", type: "helper", z: "f1" }],
      "full",
      creds,
    );
    await waitFor(async () => (await hub.api("GET", "/api/rules/nr-new")).status === 200);
    await waitFor(async () => (await hub.api("GET", "/api/rules/nr-old")).status === 404, {
      what: "old id deleted",
    });
    await hub.api("DELETE", "/api/rules/nr-new");
  });
});

describe("calm-event in", () => {
  const state = (person: string, level: string, score: number) => ({
    person,
    level,
    score,
    since: 1,
    at: 2,
    reason: "test",
    baseline_ready: true,
    actionable: true,
  });

  it("emits stress level changes filtered by type and person, never same-level readings", async () => {
    const { node, creds } = hubNode();
    await helper.load(
      calmNodes,
      [
        TAB,
        node,
        {
          id: "ev",
          type: "calm-event in",
          z: "f1",
          hub: "hub1",
          types: "stress, action",
          person: "alice",
          wires: [["out"]],
        },
        { id: "out", type: "helper", z: "f1" },
      ],
      creds,
    );
    const got = collect(helper.getNode("out"));
    await waitFor(() => lastStatus(helper.getNode("ev"))?.text === "connected");
    const events = hub.hub.events as unknown as { emit(name: string, ...args: unknown[]): void };
    events.emit("stress", state("alice", "elevated", 50), state("alice", "elevated", 48)); // same level: not streamed
    events.emit("stress", state("bob", "high", 80), state("bob", "calm", 10)); // other person
    events.emit("decision", { rule_id: "x", person: "alice", outcome: "fired", detail: "", actions: [] }); // other type
    events.emit("stress", state("alice", "high", 75.4), state("alice", "elevated", 60));
    // A last event that passes: the stream keeps order, so once it is out, anything let through before it is too.
    events.emit("stress", state("alice", "calm", 20), state("alice", "high", 75.4));
    await waitFor(() => got.length >= 2, { what: "stress events" });
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({
      topic: "stress",
      person: "alice",
      payload: { person: "alice", level: "high", previous_level: "elevated", score: 75 },
    });
    expect(got[1]).toMatchObject({ payload: { level: "calm", previous_level: "high" } });
  });
});

describe("calm-action", () => {
  it("asks the hub to run the action and outputs the result", async () => {
    const { node, creds } = hubNode();
    await helper.load(
      calmNodes,
      [
        TAB,
        node,
        {
          id: "act",
          type: "calm-action",
          z: "f1",
          hub: "hub1",
          action: "scene.turn_on",
          target: "scene.calm_{person}",
          data: '{"transition": 3}',
          person: "",
          wires: [["out"]],
        },
        { id: "out", type: "helper", z: "f1" },
      ],
      creds,
    );
    const got = collect(helper.getNode("out"));
    const before = hub.actions.length;
    helper.getNode("act")?.receive({ person: "alice", payload: "go" });
    await waitFor(() => got.length === 1, { what: "action output" });
    expect(got[0]?.payload).toEqual({ result: "ok", detail: "done" });
    expect(hub.actions.slice(before)).toEqual([
      {
        action: "scene.turn_on",
        target: { entity_id: "scene.calm_alice" },
        data: { transition: 3 },
      },
    ]);
  });

  it("sends a refused request to Catch nodes", async () => {
    const { node, creds } = hubNode();
    await helper.load(
      calmNodes,
      [
        node,
        {
          id: "act",
          type: "calm-action",
          z: "f1",
          hub: "hub1",
          action: "scene.turn_on",
          target: "",
          data: "",
          person: "",
          wires: [["out"]],
        },
        { id: "out", type: "helper", z: "f1" },
        { id: "catcher", type: "catch", z: "f1", scope: null, uncaught: false, wires: [["caught"]] },
        { id: "caught", type: "helper", z: "f1" },
      ],
      creds,
    );
    const caught = collect(helper.getNode("caught"));
    helper.getNode("act")?.receive({ payload: { action: "not an action" } });
    await waitFor(() => caught.length === 1, { what: "caught error" });
    expect((caught[0] as { error?: { message: string } }).error?.message).toMatch(/schema/);
  });
});
