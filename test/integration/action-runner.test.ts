// At most once against a Home Assistant that answers late or drops the socket mid-call, with the real
// home-assistant-js-websocket client (through HaLink) against the simulator, and the real runner and store.
import { afterEach, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { ActionRunner, type ServiceCaller } from "../../hub/actions/index.js";
import { silentLogger, systemClock } from "../../hub/core/index.js";
import { HaLink, notConnected } from "../../hub/ha/index.js";
import type { PlannedAction } from "../../hub/rules/index.js";
import { Store } from "../../hub/store/index.js";
import { waitFor } from "../support/wait-for.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let n = 0;
function lightOn(ttlMs = 5_000): PlannedAction {
  const now = Date.now();
  return {
    key: `test:${++n}:${now}`,
    rule_id: "calm-light",
    person: "alice",
    domain: "light",
    service: "turn_on",
    target: { entity_id: "light.living_room" },
    data: { brightness_pct: 30 },
    created_at: now,
    not_after: now + ttlMs,
    trigger: { score: 80, level: "high", at: now },
  };
}

async function setup(callTimeoutMs = 300, ha?: (link: HaLink) => ServiceCaller) {
  const sim = await HaSimulator.start();
  cleanups.push(() => sim.stop());
  const link = new HaLink({
    url: sim.url,
    token: sim.token,
    heartbeatMs: 60_000,
    callTimeoutMs,
    logger: silentLogger(),
  });
  link.start();
  cleanups.push(() => link.stop());
  await waitFor(() => link.state === "online", { what: "Home Assistant link" });
  const store = new Store(":memory:");
  store.open();
  cleanups.push(() => store.close());
  const runner = new ActionRunner({
    store,
    ha: ha ? ha(link) : link,
    clock: systemClock,
    logger: silentLogger(),
    retryBaseMs: 50,
  });
  runner.start();
  cleanups.push(() => runner.stop());
  const turnOns = () => sim.calls.filter((c) => c.domain === "light" && c.service === "turn_on").length;
  return { sim, link, store, runner, turnOns };
}

describe("ActionRunner: at most once", () => {
  it("a call Home Assistant answers after the timeout is sent once and logged as unknown", async () => {
    const { sim, link, store, runner, turnOns } = await setup(300);
    sim.delayResponses(500);
    const action = lightOn();
    const [outcome] = await runner.run([action]);
    expect(outcome?.result).toBe("unknown");
    expect(outcome?.detail).toMatch(/may have acted/);
    expect(runner.waitingCount).toBe(0);
    // The simulator handles messages in arrival order, each 500 ms late: once a command sent now is answered,
    // any repeat the runner had sent would have been handled and recorded too.
    await link.command({ type: "get_config" });
    expect(turnOns()).toBe(1);
    expect(store.actions.recent(10).find((e) => e.key === action.key)?.result).toBe("unknown");
  });

  it("a call in flight when the socket drops is unknown and not sent again after the reconnect", async () => {
    const { sim, link, runner, turnOns } = await setup(2_000);
    sim.delayResponses(300);
    const running = runner.run([lightOn()]);
    // The command is on the wire (the simulator runs it 300 ms after it arrived), then the socket goes.
    await waitFor(() => sim.connectionCount > 0);
    setTimeout(() => sim.dropConnections(), 100);
    const [outcome] = await running;
    expect(outcome?.result).toBe("unknown");
    await waitFor(() => link.state === "online", { what: "reconnect" });
    await waitFor(() => turnOns() === 1, { what: "the simulator to run the one call it received" });
    sim.clearFaults();
    await link.command({ type: "get_config" });
    expect(turnOns()).toBe(1);
  });

  it("a call refused before it was sent is retried with backoff and runs once", async () => {
    // The link's state lags its socket: the runner believes Home Assistant is online while HaLink still refuses
    // (as it does while not connected) for the first two attempts.
    let attempts = 0;
    const { runner, turnOns } = await setup(2_000, (link) => ({
      state: "online",
      onState: (h) => link.onState(h),
      callService: (domain, service, data, target) =>
        ++attempts <= 2
          ? Promise.reject(notConnected("connecting"))
          : link.callService(domain, service, data, target),
    }));
    const [outcome] = await runner.run([lightOn()]);
    expect(outcome?.result).toBe("ok");
    expect(attempts).toBe(3);
    expect(turnOns()).toBe(1);
  });

  it("a call that cannot be sent before its TTL ends expires without reaching Home Assistant", async () => {
    const { runner, turnOns } = await setup(2_000, (link) => ({
      state: "online",
      onState: (h) => link.onState(h),
      callService: () => Promise.reject(notConnected("connecting")),
    }));
    const [outcome] = await runner.run([lightOn(400)]);
    expect(outcome?.result).toBe("expired");
    expect(outcome?.detail).toMatch(/not sent/);
    expect(turnOns()).toBe(0);
  });

  it("run() with a key already claimed settles: the same outcome while running, 'already handled' after", async () => {
    const { sim, runner, turnOns } = await setup(2_000);
    sim.delayResponses(100);
    const action = lightOn();
    const [first, concurrent] = await Promise.all([runner.run([action]), runner.run([action])]);
    expect(first[0]?.result).toBe("ok");
    expect(concurrent[0]).toBe(first[0]);
    const [later] = await runner.run([action]);
    expect(later?.result).toBe("dropped");
    expect(later?.detail).toMatch(/already handled/);
    expect(turnOns()).toBe(1);
  });
});
