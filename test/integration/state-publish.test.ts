// The retained `<base>/<person>/state` messages: QoS 0 and the newest per person per turn of the event loop, so
// that a burst of readings does not become a burst of QoS 1 publishes (each drawing a PUBACK from the broker,
// which on a broker without `set_tcp_nodelay` holds back the readings behind it, see README "Broker settings").
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { startEmbeddedBroker } from "../../devices/broker/index.js";
import type { Hub } from "../../hub/hub.js";
import { MqttLink } from "../../hub/mqtt/index.js";
import { startTestBroker } from "../support/broker.js";
import { captureLog } from "../support/capture-log.js";
import { connectWearable, nextTs, startTestHub } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Seen {
  level: string;
  qos: number;
  retain: boolean;
}

async function watchState(url: string, topic: string): Promise<{ client: MqttClient; seen: Seen[] }> {
  const client = await mqtt.connectAsync(url, { clientId: `ha-${Math.random().toString(36).slice(2, 8)}` });
  cleanups.push(() => client.endAsync());
  const seen: Seen[] = [];
  client.on("message", (t, payload, packet) => {
    if (t !== topic) return;
    const body = (payload.length ? JSON.parse(payload.toString()) : { level: "" }) as { level: string };
    seen.push({ level: body.level, qos: packet.qos, retain: packet.retain });
  });
  // Subscribed at QoS 1, so a message arrives at QoS 0 only if the hub published it so.
  await client.subscribeAsync(topic, { qos: 1 });
  return { client, seen };
}

async function hubWithBroker(): Promise<{ hub: Hub; url: string; base: string }> {
  const broker = await startTestBroker();
  cleanups.push(() => broker.stop());
  // Vendor scores switch the level at once, both ways, so that every reading of the burst changes it.
  const hub = await startTestHub({
    mqttUrl: broker.url,
    base: broker.base,
    http: false,
    yaml: "detector:\n  min_duration_s: 0\n  exit_duration_s: 0\n",
  });
  cleanups.push(() => hub.stop());
  return { hub, url: broker.url, base: broker.base };
}

describe("state publishing", () => {
  it("a burst of readings for one person becomes a few QoS 0 retained states, the newest last", async () => {
    const { hub, url, base } = await hubWithBroker();
    const topic = `${base}/alice/state`;
    const live = await watchState(url, topic);
    const wearable = await connectWearable(url);
    cleanups.push(() => wearable.endAsync());

    // 40 readings in one write, high and calm in turn: 40 level changes, the last one to "high".
    const stream = wearable.stream;
    stream.cork();
    const acks: Promise<unknown>[] = [];
    const start = Date.now() - 40;
    for (let i = 0; i < 40; i++) {
      const body = JSON.stringify({ ts: nextTs(start + i), id: `b${i}`, stress: i % 2 === 1 ? 90 : 10 });
      acks.push(wearable.publishAsync(`${base}/alice/wearable`, body, { qos: 1 }));
    }
    stream.uncork();
    await Promise.all(acks);
    await waitFor(() => hub.ingest.counters.accepted >= 40, { what: "the 40 readings" });
    await waitFor(() => live.seen.at(-1)?.level === "high", { what: "the final state" });

    const hubStates = hub.people().find((p) => p.id === "alice")?.state;
    expect(hubStates?.level).toBe("high");
    // Each level change used to go out on its own at QoS 1: 40 messages.
    expect(live.seen.length).toBeGreaterThan(0);
    expect(live.seen.length).toBeLessThan(10);
    expect(live.seen.every((s) => s.qos === 0)).toBe(true);

    // Retained: whoever subscribes later (Home Assistant after a restart) gets the newest state at once.
    const later = await watchState(url, topic);
    await waitFor(() => later.seen.length > 0, { what: "the retained state" });
    expect(later.seen).toEqual([{ level: "high", qos: 0, retain: true }]);
  });

  it("a level change is published at once, and deleting a person clears the state", async () => {
    const { hub, url, base } = await hubWithBroker();
    const topic = `${base}/bob/state`;
    const live = await watchState(url, topic);
    const wearable = await connectWearable(url);
    cleanups.push(() => wearable.endAsync());

    const send = (stress: number) =>
      wearable.publishAsync(`${base}/bob/wearable`, JSON.stringify({ ts: nextTs(), stress }), { qos: 1 });
    await send(10);
    await waitFor(() => live.seen.at(-1)?.level === "calm", { what: "calm" });
    await send(90);
    await waitFor(() => live.seen.at(-1)?.level === "high", {
      what: "high, without waiting for the interval",
    });

    // Deleting a person sends an empty retained message, which clears the topic on the broker.
    hub.deletePerson("bob");
    await waitFor(() => live.seen.at(-1)?.level === "", { what: "the empty state" });
    expect(live.seen.at(-1)?.qos).toBe(0);
  });

  it("a state published while the broker is away goes out, retained, once it is back", async () => {
    // aedes in this process: taken down and brought back on the same port, keeping its retained messages.
    const broker = await startEmbeddedBroker();
    cleanups.push(() => broker.stop());
    const base = `t${Math.random().toString(36).slice(2, 8)}`;
    const link = new MqttLink({
      url: broker.url,
      clientId: `${base}-hub`,
      baseTopic: base,
      keepaliveS: 30,
      logger: captureLog("info").logger,
    });
    const states: string[] = [];
    link.onState((s) => states.push(s));
    await link.start();
    cleanups.push(() => link.stop());
    const topic = `${base}/carol/state`;
    link.publishLatest(topic, '{"level":"calm"}');

    await broker.pause();
    await waitFor(() => link.state === "offline", { what: "the link to notice" });
    link.publishLatest(topic, '{"level":"elevated"}');
    link.publishLatest(topic, '{"level":"high"}');
    await broker.resume();
    await waitFor(() => link.state === "online", { timeoutMs: 10_000, what: "the reconnect" });

    const later = await watchState(broker.url, topic);
    await waitFor(() => later.seen.at(-1)?.level === "high", { what: "the newest state, retained" });
    expect(later.seen.at(-1)).toEqual({ level: "high", qos: 0, retain: true });
  });
});
