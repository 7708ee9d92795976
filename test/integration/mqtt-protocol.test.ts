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
import { waitFor } from "../support/wait-for.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A link on its own topics; given the `base` of an earlier one, the same client id and so the same session. */
async function linkTo(url: string, base = `t${randomUUID().slice(0, 8)}`) {
  const log = captureLog("info");
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

async function publish(url: string, topic: string, body: string): Promise<void> {
  const client = await mqtt.connectAsync(url, { clientId: `pub-${randomUUID().slice(0, 8)}` });
  await client.publishAsync(topic, body, { qos: 1 });
  await client.endAsync();
}

const connected = (log: ReturnType<typeof captureLog>) =>
  log.lines().filter((l) => l.msg === "MQTT connected");

describe("MQTT protocol version", () => {
  it("falls back to MQTT 3.1.1 against a broker without MQTT 5, says so once, and receives readings", async () => {
    const broker = await startEmbeddedBroker();
    cleanups.push(() => broker.stop());
    const { log, base, received } = await linkTo(broker.url);

    await publish(broker.url, `${base}/alice/wearable`, '{"ts":1,"hr":70}');
    await waitFor(() => received.includes('{"ts":1,"hr":70}'), { what: "the reading" });
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
      await publish(url, `${first.base}/alice/wearable`, '{"ts":2,"hr":71}');

      const again = await linkTo(url, first.base);
      await waitFor(() => again.received.includes('{"ts":2,"hr":71}'), {
        what: "the reading published while the hub was away",
      });
      expect(connected(again.log)[0]).toMatchObject({ protocol: "5", session_present: true });
    },
  );
});
