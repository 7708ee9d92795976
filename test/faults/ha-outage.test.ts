// Fault: Home Assistant goes away (the simulator really stops; its port refuses connections) for what the hub's
// clock sees as a minute, then comes back on the same port; and, separately, HA starts refusing the token.
// Actors: wearable (MQTT), broker (aedes or MQTT_TEST_URL), hub (fake clock for rule time and action TTLs, its
// pino output captured), HA simulator.
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { FakeClock } from "../../hub/core/index.js";
import type { Hub } from "../../hub/hub.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { type CapturedLog, captureLog } from "../support/capture-log.js";
import { connectWearable, startTestHub } from "../support/hub.js";
import { sleep, waitFor } from "../support/wait-for.js";

const RULE = `
rules:
  - id: calm-scene
    trigger: { type: stress, above: 70 }
    cooldown_s: 0
    ttl_s: 30
    actions: [{ action: scene.turn_on, target: { entity_id: "scene.calm_{person}" } }]
`;

let broker: TestBroker;
let wearable: MqttClient;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  wearable = await connectWearable(broker.url);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await wearable?.endAsync();
  await broker?.stop();
});

let seq = 0;
async function setup(clock: FakeClock): Promise<{ hub: Hub; sim: HaSimulator; log: CapturedLog }> {
  const sim = await HaSimulator.start();
  cleanups.push(() => sim.stop());
  const log = captureLog("info");
  const hub = await startTestHub({
    mqttUrl: broker.url,
    base: `${broker.base}ha${seq++}`,
    haUrl: sim.url,
    haToken: sim.token,
    clock,
    logger: log.logger,
    yaml: RULE,
  });
  cleanups.push(() => hub.stop());
  await waitFor(() => hub.ha.state === "online", { what: "Home Assistant link" });
  return { hub, sim, log };
}

async function send(hub: Hub, clock: FakeClock, stress: number, id: string): Promise<void> {
  const before = hub.ingest.counters.accepted;
  await wearable.publishAsync(
    `${hub.config.mqtt.base_topic}/alice/wearable`,
    JSON.stringify({ ts: clock.now(), id, stress }),
    { qos: 1 },
  );
  await waitFor(() => hub.ingest.counters.accepted > before, { what: `reading ${id}` });
}

const health = async (hub: Hub): Promise<Record<string, unknown>> =>
  (await hub.api?.inject({ method: "GET", url: "/api/health" }))?.json() as Record<string, unknown>;

describe("Home Assistant outage", () => {
  it("drops actions that went stale during a minute-long outage and runs fresh ones exactly once", async () => {
    const clock = new FakeClock(Date.now());
    const { hub, sim, log } = await setup(clock);
    const port = Number(new URL(sim.url).port);

    await sim.stop();
    await waitFor(() => hub.ha.state !== "online", { what: "hub notices HA is gone" });
    expect(await health(hub)).toMatchObject({ status: "degraded", mqtt: "online" });

    // A crossing while HA is away: the action waits, but only for its 30 s TTL.
    await send(hub, clock, 20, "a1");
    await send(hub, clock, 90, "a2");
    const stale = await waitFor(
      () => hub.store.actions.recent(10).find((e) => e.trigger.reading_id === "a2"),
      {
        what: "stale action claimed",
      },
    );
    expect(stale.result).toBe("pending");
    // The claim is committed before the runner starts waiting out the action's TTL; move time only then.
    await waitFor(() => hub.runner.waitingCount > 0, { what: "action waiting for HA" });
    clock.advance(60_000);
    expect(await health(hub)).toMatchObject({ status: "degraded" });
    const expired = hub.store.actions.recent(10).find((e) => e.key === stale.key);
    expect(expired?.result).toBe("expired");
    const expiredLines = log
      .lines()
      .filter((l) => l.component === "actions" && l.result === "expired" && l.rule === "calm-scene");
    expect(expiredLines).toHaveLength(1);
    expect(String(expiredLines[0]?.msg)).toMatch(/dropped/);

    // A fresh crossing just before HA returns: taken once HA is back.
    await send(hub, clock, 20, "b1");
    await send(hub, clock, 95, "b2");
    const back = await HaSimulator.start({ port });
    cleanups.push(() => back.stop());
    await waitFor(() => hub.ha.state === "online", { what: "reconnect", timeoutMs: 20_000 });
    await back.waitForCall("scene.turn_on", 5_000);
    await sleep(300);

    expect(back.calls.filter((c) => c.domain === "scene")).toHaveLength(1);
    const fresh = hub.store.actions.recent(10).find((e) => e.trigger.reading_id === "b2");
    expect(fresh?.result).toBe("ok");
    // The stale one was never replayed.
    expect(hub.store.actions.recent(10).find((e) => e.key === stale.key)?.result).toBe("expired");
    expect(await health(hub)).toMatchObject({ status: "ok", home_assistant: "online" });
  });

  it("reports an invalid token clearly, once, and does not retry in a tight loop", async () => {
    const clock = new FakeClock(Date.now());
    const { hub, sim, log } = await setup(clock);
    const attemptsBefore = sim.authAttempts;
    sim.rejectAuth();
    sim.dropConnections();
    await waitFor(() => hub.ha.state === "auth_failed", { what: "auth_failed", timeoutMs: 10_000 });
    // Watch for a few seconds: a tight loop would show up as many attempts here.
    await sleep(4_000);
    const attempts = sim.authAttempts - attemptsBefore;
    console.info(`[ha-outage] auth attempts with a refused token over ~4 s: ${attempts}`);
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(2);

    expect(await health(hub)).toMatchObject({ status: "degraded", home_assistant: "auth_failed" });
    const errors = log.lines().filter((l) => l.component === "ha" && l.level === 50);
    expect(errors).toHaveLength(1);
    expect(String(errors[0]?.msg)).toMatch(/rejected the (access )?token/i);
    expect(log.text()).not.toContain(sim.token);
  });
});
