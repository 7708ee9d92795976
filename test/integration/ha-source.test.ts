// A Home Assistant sensor (e.g. a Wear OS heart-rate sensor) as a person's wearable source.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import type { Hub } from "../../hub/hub.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { startTestHub } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

let broker: TestBroker;
let sim: HaSimulator;
let hub: Hub;

beforeAll(async () => {
  broker = await startTestBroker();
  sim = await HaSimulator.start();
  sim.setState("sensor.alice_watch_heart_rate", "64", { unit_of_measurement: "bpm", accuracy: "high" });
  hub = await startTestHub({
    mqttUrl: broker.url,
    base: `${broker.base}has`,
    haUrl: sim.url,
    haToken: sim.token,
    yaml: "people: { alice: { sources: [{ entity_id: sensor.alice_watch_heart_rate, metric: hr }] } }\n",
  });
  await waitFor(() => hub.ha.state === "online", { what: "HA link" });
});

afterAll(async () => {
  await hub?.stop();
  await sim?.stop();
  await broker?.stop();
});

describe("Home Assistant sensors as wearable sources", () => {
  it("turns the sensor's state changes into the person's readings, honouring its accuracy", async () => {
    const seen: { hr?: number; quality: number; source: string }[] = [];
    hub.events.on("sample", (item) => seen.push(item.sample));
    sim.setState("sensor.alice_watch_heart_rate", "97", { unit_of_measurement: "bpm", accuracy: "low" });
    await waitFor(() => seen.some((s) => s.hr === 97), { what: "reading from the sensor" });
    const reading = seen.find((s) => s.hr === 97);
    expect(reading?.quality).toBeLessThan(1);
    expect(hub.detector.state("alice")).toBeDefined();

    sim.setState("sensor.alice_watch_heart_rate", "unavailable", { unit_of_measurement: "bpm" });
    await waitFor(() => (hub.ingest.counters.rejected.no_measurement ?? 0) >= 1, {
      what: "unavailable refused",
    });
  });
});
