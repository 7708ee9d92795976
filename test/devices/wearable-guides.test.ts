// The wearable guides in docs/wearables, tried end to end: each guide's own config snippet goes through the real
// config schema into a real hub, and each guide's own example reading is published, as the bridge sends it, to a
// real broker (or set on the Home Assistant simulator's sensor). The expected values are written here by hand, from
// the vendor formats, so a guide whose example no longer means what it says fails.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { type EmbeddedBroker, startEmbeddedBroker } from "../../devices/broker/index.js";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { parseConfig } from "../../hub/config/index.js";
import type { Sample } from "../../hub/core/index.js";
import type { Hub } from "../../hub/hub.js";
import { startTestHub } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

const DIR = fileURLToPath(new URL("../../docs/wearables/", import.meta.url));
const GUIDES = readdirSync(DIR).filter((f) => f.endsWith(".md") && f !== "README.md");

interface Block {
  info: string;
  body: string;
}

function blocks(file: string): Block[] {
  const md = readFileSync(`${DIR}${file}`, "utf8");
  return [...md.matchAll(/^```([^\n]*)\n([\s\S]*?)^```/gm)].map((m) => ({
    info: (m[1] ?? "").trim(),
    body: m[2] ?? "",
  }));
}

function configOf(file: string): string {
  const found = blocks(file).filter((b) => b.info === "yaml calm-hub");
  expect(found, `${file}: one \`\`\`yaml calm-hub block`).toHaveLength(1);
  return found[0]?.body ?? "";
}

function wires(file: string): { topic: string; payload: string }[] {
  return blocks(file)
    .filter((b) => b.info.startsWith("json wire "))
    .map((b) => ({ topic: b.info.slice("json wire ".length).trim(), payload: b.body }));
}

function haStates(file: string): { entity_id: string; state: string; attributes: Record<string, unknown> }[] {
  return blocks(file)
    .filter((b) => b.info === "json ha-state")
    .map(
      (b) => JSON.parse(b.body) as { entity_id: string; state: string; attributes: Record<string, unknown> },
    );
}

describe("wearable guides: snippets", () => {
  it("the index links every guide, and README links the index", () => {
    const index = readFileSync(`${DIR}README.md`, "utf8");
    for (const g of GUIDES) expect(index, g).toContain(`](${g})`);
    const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");
    expect(readme).toContain("docs/wearables/README.md");
  });

  it.each(GUIDES)("%s: the config snippet is valid and every example reading is JSON", (guide) => {
    const config = parseConfig(configOf(guide), {});
    expect(Object.keys(config.people).length).toBeGreaterThan(0);
    const examples = [
      ...wires(guide).map((w) => w.payload),
      ...haStates(guide).map((s) => JSON.stringify(s)),
    ];
    expect(examples.length, `${guide} shows a reading`).toBeGreaterThan(0);
    for (const p of examples) expect(() => JSON.parse(p)).not.toThrow();
  });

  it("ble-strap: the ESPHome configuration is YAML, notifies on 0x2A37 and publishes to the hub's topic", () => {
    const [esphome] = blocks("ble-strap.md").filter((b) => b.info === "yaml esphome");
    if (!esphome) throw new Error("ble-strap.md has no ```yaml esphome block");
    const secret = { tag: "!secret", resolve: (name: string) => `secret:${name}` };
    const node = parseYaml(esphome.body, { customTags: [secret] }) as {
      mqtt: { id: string };
      sensor: {
        platform: string;
        service_uuid: string;
        characteristic_uuid: string;
        notify: boolean;
        lambda: string;
      }[];
    };
    const [sensor] = node.sensor;
    expect(sensor).toMatchObject({
      platform: "ble_client",
      service_uuid: "180d",
      characteristic_uuid: "2a37",
      notify: true,
    });
    const config = parseConfig(configOf("ble-strap.md"), {});
    const topic = config.people.alice?.sources.find((s) => "topic" in s);
    expect(sensor?.lambda).toContain(
      `id(${node.mqtt.id}).publish("${topic && "topic" in topic ? topic.topic : "?"}"`,
    );
    expect(sensor?.lambda).toContain("format_hex(x)");
  });
});

describe("wearable guides: end to end against the adapters", () => {
  let broker: EmbeddedBroker;
  let sim: HaSimulator;
  const hubs: Hub[] = [];

  beforeAll(async () => {
    broker = await startEmbeddedBroker();
    sim = await HaSimulator.start();
  });
  afterAll(async () => {
    for (const hub of hubs) await hub.stop();
    await sim?.stop();
    await broker?.stop();
  });

  /** A hub on the guide's own config, its readings collected. */
  async function hubFor(guide: string, withHa = false): Promise<Sample[]> {
    const seen: Sample[] = [];
    const hub = await startTestHub({
      mqttUrl: broker.url,
      base: "calm",
      clientId: `hub-${guide}`,
      yaml: configOf(guide),
      http: false,
      ...(withHa ? { haUrl: sim.url, haToken: sim.token } : {}),
    });
    hubs.push(hub);
    hub.events.on("sample", (item) => seen.push(item.sample));
    if (withHa) await waitFor(() => hub.ha.state === "online", { what: "Home Assistant link" });
    return seen;
  }

  /** Publishes the guide's example readings as its bridge would (QoS 1), waits until `count` readings arrived. */
  async function publishAll(guide: string, seen: Sample[], count: number): Promise<Sample[]> {
    const bridge = await mqtt.connectAsync(broker.url, { clientId: `bridge-${guide}` });
    for (const w of wires(guide)) await bridge.publishAsync(w.topic, w.payload, { qos: 1 });
    await bridge.endAsync();
    await waitFor(() => seen.length >= count, { what: `${count} readings from ${guide}` });
    return seen;
  }

  it("ble-strap: the ESP32's hex 0x2A37 value becomes Alice's heart rate and two RR intervals", async () => {
    const seen = await publishAll("ble-strap.md", await hubFor("ble-strap.md"), 1);
    expect(seen).toHaveLength(1);
    const s = seen[0];
    expect(s).toMatchObject({ person: "alice", hr: 75, source: "ble-hrm", quality: 1 });
    expect(s?.rr?.[0]).toBeCloseTo((827 * 1000) / 1024, 6);
    expect(s?.rr?.[1]).toBeCloseTo((832 * 1000) / 1024, 6);
  });

  it("apple-watch: a Health Auto Export batch becomes three of Alice's readings, oldest first", async () => {
    const seen = await publishAll("apple-watch.md", await hubFor("apple-watch.md"), 3);
    expect(
      seen.map((s) => ({ person: s.person, at: s.measured_at, hr: s.hr, sdnn: s.sdnn, resp: s.resp })),
    ).toEqual([
      { person: "alice", at: Date.UTC(2026, 10, 27, 2, 40), hr: undefined, sdnn: undefined, resp: 14.5 },
      { person: "alice", at: Date.UTC(2026, 10, 27, 7, 14), hr: 74.5, sdnn: undefined, resp: undefined },
      { person: "alice", at: Date.UTC(2026, 10, 27, 7, 15), hr: 81, sdnn: 38.2, resp: undefined },
    ]);
  });

  it("garmin: the broadcast heart rate and the automation's daily summary are both Alice's", async () => {
    const seen = await publishAll("garmin.md", await hubFor("garmin.md"), 2);
    const live = seen.find((s) => s.hr !== undefined);
    const daily = seen.find((s) => s.stress !== undefined);
    expect(live).toMatchObject({ person: "alice", hr: 78, source: "ble-hrm" });
    expect(live?.rr).toBeUndefined();
    expect(daily).toMatchObject({
      person: "alice",
      stress: 31,
      source: "garmin-daily",
      quality: 0.3,
      measured_at: Date.UTC(2026, 10, 27, 8, 12, 40),
    });
  });

  it("sleep-as-android: tracking started, then deep sleep, as Alice's sleep state", async () => {
    const seen = await publishAll("sleep-as-android.md", await hubFor("sleep-as-android.md"), 2);
    expect(seen.map((s) => [s.person, s.sleep])).toEqual([
      ["alice", "tracking"],
      ["alice", "asleep"],
    ]);
  });

  it("wear-os: the companion app's heart-rate sensor becomes Bob's reading at its accuracy", async () => {
    const [state] = haStates("wear-os.md");
    if (!state) throw new Error("wear-os.md shows no state");
    sim.setState(state.entity_id, "61", { ...state.attributes, accuracy: "medium" });
    const seen = await hubFor("wear-os.md", true);
    await waitFor(() => seen.some((s) => s.hr === 61), { what: "the sensor's current state" });
    sim.setState(state.entity_id, state.state, state.attributes);
    await waitFor(() => seen.some((s) => s.hr === 68), { what: "the guide's reading" });
    expect(seen.find((s) => s.hr === 61)?.quality).toBe(0.7);
    expect(seen.find((s) => s.hr === 68)).toMatchObject({
      person: "bob",
      quality: 1,
      source: "ha:sensor.pixel_watch_2_heart_rate",
    });
  });

  it("fitbit-oura: Health Connect through the companion app, measured when the ring measured it; a script's native reading", async () => {
    const [state] = haStates("fitbit-oura.md");
    if (!state) throw new Error("fitbit-oura.md shows no state");
    sim.setState(state.entity_id, "70", { ...state.attributes, date: "2026-11-27T05:30:00Z" });
    const seen = await hubFor("fitbit-oura.md", true);
    await waitFor(() => seen.some((s) => s.hr === 70), { what: "the sensor's current state" });
    sim.setState(state.entity_id, state.state, state.attributes);
    await waitFor(() => seen.some((s) => s.hr === 64), { what: "the guide's reading" });
    expect(seen.find((s) => s.hr === 64)).toMatchObject({
      person: "carol",
      measured_at: Date.UTC(2026, 10, 27, 6, 42),
      source: "ha:sensor.pixel_8_health_connect_heart_rate",
    });
    await publishAll("fitbit-oura.md", seen, 3);
    expect(seen.find((s) => s.source === "oura")).toMatchObject({
      person: "carol",
      hr: 64,
      id: "oura-hr-20261127T0642",
      measured_at: Date.UTC(2026, 10, 27, 6, 42),
    });
  });
});
