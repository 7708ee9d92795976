// The hub speaks MQTT 5 where the broker does, so that it can tell the broker how many readings to send ahead
// (3.1.1 leaves that to the broker: Mosquitto sends 20, then queues and eventually drops); against a 3.1.1-only
// broker (the embedded aedes) it says so once and carries on with 3.1.1.
import { randomUUID } from "node:crypto";
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { startEmbeddedBroker } from "../../devices/broker/index.js";
import { MqttLink } from "../../hub/mqtt/index.js";
import { requirePeerInCi } from "../support/broker.js";
import { captureLog } from "../support/capture-log.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function linkTo(url: string) {
  const log = captureLog("info");
  const base = `t${randomUUID().slice(0, 8)}`;
  const link = new MqttLink({
    url,
    clientId: `${base}-hub`,
    baseTopic: base,
    keepaliveS: 30,
    logger: log.logger,
    connectTimeoutMs: 5_000,
  });
  const received: string[] = [];
  link.onMessage((_topic, payload) => received.push(payload.toString()));
  link.subscribe(`${base}/+/wearable`);
  await link.start();
  cleanups.push(() => link.stop());
  return { link, log, base, received };
}

async function publishAndWait(url: string, topic: string, body: string, received: string[]): Promise<void> {
  const client = await mqtt.connectAsync(url, { clientId: `pub-${randomUUID().slice(0, 8)}` });
  await client.publishAsync(topic, body, { qos: 1 });
  await client.endAsync();
  const deadline = Date.now() + 5_000;
  while (!received.includes(body)) {
    if (Date.now() > deadline) throw new Error(`"${body}" never arrived`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const connected = (log: ReturnType<typeof captureLog>) =>
  log.lines().filter((l) => l.msg === "MQTT connected");

describe("MQTT protocol version", () => {
  it("falls back to MQTT 3.1.1 against a broker without MQTT 5, says so once, and receives readings", async () => {
    const broker = await startEmbeddedBroker();
    cleanups.push(() => broker.stop());
    const { log, base, received } = await linkTo(broker.url);

    await publishAndWait(broker.url, `${base}/alice/wearable`, '{"ts":1,"hr":70}', received);
    expect(connected(log).map((l) => l.protocol)).toEqual(["3.1.1"]);
    expect(log.lines().filter((l) => String(l.msg).includes("does not speak MQTT 5"))).toHaveLength(1);
    expect(log.lines().filter((l) => l.level === 40 || l.level === 50)).toEqual([]); // no warning, no error
  });

  const mosquitto = process.env.MQTT_TEST_URL;
  it.runIf(requirePeerInCi(Boolean(mosquitto), "Mosquitto (MQTT_TEST_URL)"))(
    "uses MQTT 5 with Mosquitto, and its session outlives a restart of the hub",
    async () => {
      const url = mosquitto ?? "";
      const first = await linkTo(url);
      expect(connected(first.log).map((l) => l.protocol)).toEqual(["5"]);
      await first.link.stop();

      // Published while the hub is away: kept by the broker for the hub's session and delivered on return.
      const client = await mqtt.connectAsync(url, { clientId: `pub-${randomUUID().slice(0, 8)}` });
      await client.publishAsync(`${first.base}/alice/wearable`, '{"ts":2,"hr":71}', { qos: 1 });
      await client.endAsync();

      const log = captureLog("info");
      const again = new MqttLink({
        url,
        clientId: `${first.base}-hub`,
        baseTopic: first.base,
        keepaliveS: 30,
        logger: log.logger,
      });
      const received: string[] = [];
      again.onMessage((_t, payload) => received.push(payload.toString()));
      again.subscribe(`${first.base}/+/wearable`);
      await again.start();
      cleanups.push(() => again.stop());
      const deadline = Date.now() + 5_000;
      while (!received.includes('{"ts":2,"hr":71}')) {
        if (Date.now() > deadline)
          throw new Error("the reading published while the hub was away never arrived");
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(connected(log)[0]).toMatchObject({ protocol: "5", session_present: true });
    },
  );
});
