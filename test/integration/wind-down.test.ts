// Actors: hub (fake clock driving a whole evening in milliseconds), ha (the simulator's lights).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HaSimulator, type RecordedCall } from "../../devices/ha-sim/index.js";
import { FakeClock } from "../../hub/core/index.js";
import type { Hub } from "../../hub/hub.js";
import { planWindDowns, WindDownProgressSchema } from "../../hub/schedule/index.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { startTestHub, tempDir } from "../support/hub.js";
import { sleep, waitFor } from "../support/wait-for.js";

const BERLIN = { latitude: 52.52, longitude: 13.405, time_zone: "Europe/Berlin" };
const TROMSO = { latitude: 69.65, longitude: 18.96, time_zone: "Europe/Oslo" };

function yaml(location: typeof BERLIN, start: string): string {
  return `
location: { latitude: ${location.latitude}, longitude: ${location.longitude}, time_zone: ${location.time_zone} }
rooms:
  living_room: { lights: [light.living_room] }
wind_down:
  - rooms: [living_room]
    start: ${start}
    duration_min: 60
    night: { brightness_pct: 10, color_temp_kelvin: 2200 }
    steps: { interval_min: 10 }
`;
}

let broker: TestBroker;
let sim: HaSimulator;
let hub: Hub | undefined;
let clock: FakeClock;
let n = 0;

beforeEach(async () => {
  stamped = [];
  broker = await startTestBroker();
  sim = await HaSimulator.start();
});
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
  await sim.stop();
  await broker.stop();
});

async function startHub(config: string, dataDir = tempDir(), base = `${broker.base}wd${n++}`): Promise<Hub> {
  const h = await startTestHub({
    mqttUrl: broker.url,
    base,
    haUrl: sim.url,
    haToken: sim.token,
    clock,
    yaml: config,
    dataDir,
  });
  await waitFor(() => h.ha.state === "online" && h.ha.getEntity("light.living_room"), {
    what: "HA entities",
  });
  hub = h;
  return h;
}

/** Runs the fake clock forward in 30 s steps (the runner's tick), letting calls reach the simulator. */
async function runUntil(until: number): Promise<void> {
  while (clock.now() < until) {
    clock.advance(30_000);
    await sleep(3);
    windDownCalls();
  }
  await sleep(100);
  windDownCalls();
}

/** Wind-down calls as the simulator received them, stamped with the hub's (fake) clock at that moment. */
let stamped: { at: number; call: RecordedCall }[] = [];
const windDownCalls = (): { time: number; service_data: Record<string, unknown> }[] => {
  const seen = sim.calls.filter((c) => c.domain === "light" && c.entityIds.includes("light.living_room"));
  for (const call of seen.slice(stamped.length)) stamped.push({ at: clock.now(), call });
  return stamped.map((s) => ({ time: s.at, service_data: s.call.service_data }));
};
const localHhmm = (ms: number, tz: string) =>
  new Intl.DateTimeFormat("en-GB", {
    timeZone: tz,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(ms);

describe("evening wind-down, driven by the clock against the simulator", () => {
  it("dims in small steps from sunset to the night setting on the DST change day (Berlin, 25 Oct 2026)", async () => {
    clock = new FakeClock(Date.parse("2026-10-25T15:00:00+01:00"));
    const config = yaml(BERLIN, "{ sun: sunset, offset_min: 0 }");
    await startHub(config);
    const [plan] = planWindDowns((await import("../../hub/config/index.js")).parseConfig(config).wind_down, {
      from: "2026-10-25",
      days: 1,
      location: BERLIN,
    });
    expect(plan?.start).toMatch(/\+01:00$/); // after the change back to CET
    await runUntil(Date.parse("2026-10-25T18:30:00+01:00"));

    const calls = windDownCalls();
    expect(calls.length).toBeGreaterThanOrEqual(6);
    const first = calls[0];
    expect(first).toBeDefined();
    const sunset = Date.parse(plan?.start ?? "");
    expect(first?.time).toBeGreaterThanOrEqual(sunset);
    expect(first?.time).toBeLessThan(sunset + 60_000);
    const levels = calls.map((c) => Number(c.service_data.brightness));
    for (let i = 1; i < levels.length; i++) expect(levels[i]).toBeLessThanOrEqual(levels[i - 1] ?? 255);
    expect(levels.at(-1)).toBe(25); // 10 % of 255, rounded down
    expect(calls.at(-1)?.service_data.color_temp_kelvin).toBe(2200);
    // The last step lands by the end: an hour later in real minutes, whatever the clocks did that night.
    expect((calls.at(-1)?.time ?? 0) - sunset).toBeLessThanOrEqual(60 * 60_000 + 60_000);
    expect(hub?.store.docs.get("wind_down", `2026-10-25:living_room`, WindDownProgressSchema)).toMatchObject({
      handed_back: true,
    });
  });

  it("falls back to the clamps at Tromsø: midnight sun in June, polar night in December", async () => {
    clock = new FakeClock(Date.parse("2026-06-21T21:00:00+02:00"));
    await startHub(yaml(TROMSO, '{ sun: sunset, offset_min: 0, earliest: "19:00", latest: "22:00" }'));
    await runUntil(Date.parse("2026-06-21T23:30:00+02:00"));
    const june = windDownCalls();
    expect(june.length).toBeGreaterThan(0);
    expect(localHhmm(june[0]?.time ?? 0, "Europe/Oslo")).toBe("22:00");
    await hub?.stop();
    hub = undefined;
    sim.clearCalls();
    stamped = [];

    clock = new FakeClock(Date.parse("2026-12-15T18:00:00+01:00"));
    await startHub(yaml(TROMSO, '{ sun: sunset, offset_min: 0, earliest: "19:00", latest: "22:00" }'));
    await runUntil(Date.parse("2026-12-15T21:00:00+01:00"));
    const december = windDownCalls();
    expect(december.length).toBeGreaterThan(0);
    expect(localHhmm(december[0]?.time ?? 0, "Europe/Oslo")).toBe("19:00");
  });

  it("pauses a room whose light someone changed by hand, and resumes at the right step after a restart", async () => {
    clock = new FakeClock(Date.parse("2026-11-27T19:50:00+01:00"));
    const config = yaml(BERLIN, '{ bedtime: "21:00" }');
    const dataDir = tempDir();
    const base = `${broker.base}wdr${n++}`;
    const first = await startHub(config, dataDir, base);
    await runUntil(Date.parse("2026-11-27T20:12:00+01:00"));
    const stepsBefore = windDownCalls().length;
    expect(stepsBefore).toBe(2); // the 20:00 and 20:10 steps
    await first.stop();
    hub = undefined;

    clock.advance(15 * 60_000); // the hub was down from 20:12 to 20:27
    await startHub(config, dataDir, base);
    await runUntil(Date.parse("2026-11-27T20:29:00+01:00"));
    const afterRestart = windDownCalls().slice(stepsBefore);
    expect(afterRestart).toHaveLength(1); // straight to the 20:20 step, no replay of the missed ones
    sim.changeByHand("light.living_room", { attributes: { brightness: 250 } });
    await sleep(100);
    await runUntil(Date.parse("2026-11-27T21:10:00+01:00"));
    expect(windDownCalls().slice(stepsBefore + 1)).toHaveLength(0);
    expect(sim.getState("light.living_room")?.attributes.brightness).toBe(250);
  });

  it("skips when nobody is home", async () => {
    clock = new FakeClock(Date.parse("2026-11-27T19:50:00+01:00"));
    sim.setState("person.alice", "not_home", { friendly_name: "Alice" });
    sim.setState("person.bob", "not_home", { friendly_name: "Bob" });
    const h = await startHub(yaml(BERLIN, '{ bedtime: "21:00" }'));
    await runUntil(Date.parse("2026-11-27T21:10:00+01:00"));
    expect(windDownCalls()).toHaveLength(0);
    expect(h.store.docs.get("wind_down", "2026-11-27:living_room", WindDownProgressSchema)).toMatchObject({
      skipped: "nobody home",
    });
  });
});

describe("wind-down never makes a light brighter (issue #17)", () => {
  it("keeps each light at or below where it was: 60/255 stays 60, a dimmer second light is not raised", async () => {
    clock = new FakeClock(Date.parse("2026-11-27T19:50:00+01:00"));
    sim.setState("light.living_room", "on", {
      ...sim.getState("light.living_room")?.attributes,
      brightness: 60,
    });
    sim.setState("light.hall", "on", { ...sim.getState("light.hall")?.attributes, brightness: 40 });
    await startHub(`
location: { latitude: ${BERLIN.latitude}, longitude: ${BERLIN.longitude}, time_zone: ${BERLIN.time_zone} }
rooms:
  living_room: { lights: [light.living_room, light.hall] }
wind_down:
  - rooms: [living_room]
    start: { bedtime: "21:00" }
    duration_min: 60
    night: { brightness_pct: 30, color_temp_kelvin: 2200 }
    steps: { interval_min: 10 }
`);
    await runUntil(Date.parse("2026-11-27T21:10:00+01:00"));
    const calls = sim.calls.filter((c) => c.domain === "light" && c.service === "turn_on");
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const c of calls) {
      expect(c.service_data).not.toHaveProperty("brightness_pct");
      const start = c.entityIds.includes("light.hall") ? 40 : 60;
      expect(Number(c.service_data.brightness)).toBeLessThanOrEqual(start);
    }
    expect(sim.getState("light.living_room")?.attributes.brightness).toBe(60);
    expect(sim.getState("light.hall")?.attributes.brightness).toBe(40);
  });
});
