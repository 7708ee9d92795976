// Stop removes everything start added: after a full start and stop (broker, Home Assistant simulator, HTTP,
// readings flowing, an episode running), no timer, socket or bus listener of the hub is left in the process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { connectWearable, publishReading, startTestHub } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

const HOME = `
people: { alice: { name: Alice, room: living_room } }
rooms: { living_room: { lights: [light.living_room], media_player: media_player.living_room, people: [alice] } }
`;

/**
 * Timers created while `track` runs and still pending: an interval never cleared, or a timeout neither fired
 * nor cleared. Node's handle list leaves out unref'd timers, so they are counted here instead.
 */
function trackTimers(): { pending(): number; stacks(): string[]; restore(): void } {
  const live = new Map<unknown, string>();
  const g = globalThis as unknown as Record<string, (...args: unknown[]) => unknown>;
  const orig = {
    setTimeout: g.setTimeout,
    clearTimeout: g.clearTimeout,
    setInterval: g.setInterval,
    clearInterval: g.clearInterval,
  };
  g.setTimeout = (fn: unknown, ...rest: unknown[]) => {
    const t = orig.setTimeout?.(
      (...a: unknown[]) => {
        live.delete(t);
        (fn as (...x: unknown[]) => void)(...a);
      },
      ...rest,
    );
    live.set(t, new Error().stack ?? "");
    return t;
  };
  g.setInterval = (...args: unknown[]) => {
    const t = orig.setInterval?.(...args);
    live.set(t, new Error().stack ?? "");
    return t;
  };
  g.clearTimeout = (t: unknown) => {
    live.delete(t);
    return orig.clearTimeout?.(t);
  };
  g.clearInterval = (t: unknown) => {
    live.delete(t);
    return orig.clearInterval?.(t);
  };
  return {
    pending: () => live.size,
    stacks: () => [...live.values()],
    restore: () => Object.assign(g, orig),
  };
}

/** Handles by kind (Timeout, TCPSocketWrap, TCPServerWrap …), as Node reports them. */
function handles(): Map<string, number> {
  const out = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) out.set(kind, (out.get(kind) ?? 0) + 1);
  return out;
}

function grown(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const diff: Record<string, number> = {};
  for (const [kind, n] of after) {
    const d = n - (before.get(kind) ?? 0);
    if (d > 0) diff[kind] = d;
  }
  return diff;
}

describe("lifecycle: no handle outlives stop", () => {
  let broker: TestBroker;
  let sim: HaSimulator;

  beforeAll(async () => {
    broker = await startTestBroker();
    sim = await HaSimulator.start({});
  });
  afterAll(async () => {
    await sim.stop();
    await broker.stop();
  });

  it("a started and stopped hub leaves no timer, socket or listener behind", async () => {
    const wearable = await connectWearable(broker.url);
    // Settle what the peers themselves hold before taking the baseline.
    await new Promise((r) => setImmediate(r));
    const before = handles();
    const timers = trackTimers();

    const hub = await startTestHub({
      mqttUrl: broker.url,
      base: broker.base,
      haUrl: sim.url,
      haToken: sim.token,
      yaml: HOME,
    });
    await waitFor(() => hub.health().status === "ok", { what: "hub online" });
    for (let i = 0; i < 20; i++) await publishReading(wearable, broker.base, "alice", { hr: 70 + i });
    await waitFor(() => hub.ingest.counters.accepted >= 20, { what: "readings ingested" });
    // The bridge leaves first: its own keepalive timers are not the hub's.
    await wearable.endAsync();
    const started = await hub.episodes.startEpisode({ person: "alice", room: "living_room", reason: "test" });
    expect(started.ok).toBe(true);
    expect(Object.keys(hub.listeners).length).toBeGreaterThan(0);

    await hub.stop();
    expect(hub.ha.listenerCount).toBe(0);
    expect(hub.mqtt.listenerCount).toBe(0);
    // Closed sockets leave the handle list on the next turns of the loop.
    await waitFor(() => Object.keys(grown(before, handles())).length === 0, { timeoutMs: 5_000 }).catch(
      () => {},
    );
    expect(grown(before, handles())).toEqual({});
    expect(hub.listeners).toEqual({});
    // Timers of the hub's own: none may still be pending (a fired timeout is gone, an interval must be cleared).
    await waitFor(() => timers.pending() === 0, { timeoutMs: 2_000 }).catch(() => {});
    timers.restore();
    expect(timers.stacks()).toEqual([]);
  });
});
