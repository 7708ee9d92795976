// Actors: a caller of the hub's API (HTTP with the valid token: the token does not make every service fair
// game), a rule writer (PUT /api/rules and the config file), broker (aedes or MQTT_TEST_URL), hub (real, with
// its real home-assistant-js-websocket client), ha (the simulator: what reaches Home Assistant is what counts).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { parseConfig } from "../../hub/config/index.js";
import type { ValidationError } from "../../hub/core/index.js";
import type { Hub } from "../../hub/hub.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { API_TOKEN, startTestHub } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

let broker: TestBroker;
let sim: HaSimulator;
const hubs: Hub[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  sim = await HaSimulator.start();
});
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.stop();
  sim.clearCalls();
});
afterAll(async () => {
  await sim?.stop();
  await broker?.stop();
});

async function hub(yaml = ""): Promise<Hub> {
  const h = await startTestHub({
    mqttUrl: broker.url,
    base: `${broker.base}${hubs.length}`,
    haUrl: sim.url,
    haToken: sim.token,
    yaml,
  });
  hubs.push(h);
  await waitFor(() => h.ha.state === "online", { what: "Home Assistant link" });
  return h;
}

/** The config's problems as "path: message" lines, as check-config prints them. */
function configProblems(yaml: string): string {
  try {
    parseConfig(yaml, {});
    return "";
  } catch (err) {
    return ((err as ValidationError).issues ?? []).map((i) => `${i.path}: ${i.message}`).join("\n");
  }
}

async function run(h: Hub, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${h.apiUrl}/api/actions/run`, {
    method: "POST",
    headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("only allowed Home Assistant services go through the hub", () => {
  it("refuses lock.unlock and alarm_disarm from the API with 403, a log entry, and no call to HA", async () => {
    const h = await hub();
    for (const action of [
      "lock.unlock",
      "alarm_control_panel.alarm_disarm",
      "homeassistant.restart",
      "script.turn_on",
      "shell_command.run",
    ]) {
      const res = await run(h, { action, target: { entity_id: "lock.front_door" } });
      expect(res.status, action).toBe(403);
      expect(res.json).toMatchObject({ code: "CALM_ERR_SERVICE_NOT_ALLOWED" });
      expect(String(res.json.message)).toContain("home_assistant.allowed_services");
    }
    // An allowed one still works, so what reached HA is exactly that one.
    const ok = await run(h, { action: "light.turn_on", target: { entity_id: "light.living_room" } });
    expect(ok).toMatchObject({ status: 200, json: { result: "ok" } });
    expect(sim.calls.map((c) => `${c.domain}.${c.service}`)).toEqual(["light.turn_on"]);
    const log = await waitFor(
      () => {
        const refused = h.store.actions.recent(20).filter((e) => e.result === "refused");
        return refused.length === 5 ? refused : undefined;
      },
      { what: "refused entries in the action log" },
    );
    expect(log.map((e) => `${e.call.domain}.${e.call.service}`).sort()).toContain("lock.unlock");
  });

  it("checks entity ids after {person} is filled in", async () => {
    const h = await hub();
    for (const person of ["x, lock.front_door", "a.b", "Alice"]) {
      const res = await run(h, { action: "light.turn_off", target: { entity_id: "light.{person}" }, person });
      expect(res.status, person).toBe(403);
      expect(String(res.json.message)).toContain("not a Home Assistant entity id");
    }
    expect(sim.calls).toHaveLength(0);
  });

  it("refuses a rule that calls a service outside the list, through the API and in the config file", async () => {
    const h = await hub();
    const res = await fetch(`${h.apiUrl}/api/rules/disarm`, {
      method: "PUT",
      headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        trigger: { type: "stress", above: 50 },
        actions: [
          { action: "alarm_control_panel.alarm_disarm", target: { entity_id: "alarm_control_panel.home" } },
        ],
      }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; issues: { path: string; message: string }[] };
    expect(body.code).toBe("CALM_ERR_RULE_INVALID");
    expect(body.issues[0]).toMatchObject({ path: "actions[0].action" });
    expect(h.rules.get("disarm")).toBeUndefined();

    expect(
      configProblems(
        "rules:\n  - { id: open, trigger: { type: stress, above: 50 }, actions: [{ action: lock.unlock }] }\n",
      ),
    ).toMatch(/rules\[0\]\.actions\[0\]\.action: lock\.unlock is not an allowed service/);
  });

  it("an explicit opt-in per service lets exactly that service through; a whole sensitive domain cannot be opted into", async () => {
    expect(configProblems("home_assistant:\n  allowed_services: ['lock.*']\n")).toMatch(
      /home_assistant\.allowed_services\[0\]: lock\.\* is too broad/,
    );
    const h = await hub("home_assistant:\n  allowed_services: ['light.turn_on', 'lock.lock']\n");
    expect(
      (await run(h, { action: "lock.lock", target: { entity_id: "lock.front_door" } })).json,
    ).toMatchObject({
      result: expect.any(String),
    });
    expect((await run(h, { action: "lock.unlock", target: { entity_id: "lock.front_door" } })).status).toBe(
      403,
    );
    expect(sim.calls.map((c) => `${c.domain}.${c.service}`)).toEqual(["lock.lock"]);
  });
});
