// `mqtt.base_topic` with more than one level: the schema accepts `home/calm`, so readings under it must be
// taken (the review found every one refused as unknown_topic, the person read from the wrong level).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hub } from "../../hub/hub.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { connectWearable, publishReading, startTestHub } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

describe("a base topic of several levels", () => {
  let broker: TestBroker;
  let hub: Hub;
  let base: string;

  beforeAll(async () => {
    broker = await startTestBroker();
    base = `home/${broker.base}/calm`;
    hub = await startTestHub({
      mqttUrl: broker.url,
      base,
      http: false,
      yaml: "people: { alice: { name: Alice } }\n",
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await broker.stop();
  });

  it("takes the person from the level the filter's + matched and answers on the same base", async () => {
    const wearable = await connectWearable(broker.url);
    const state = new Promise<string>((resolve) => {
      wearable.on("message", (topic, payload) => {
        if (topic === `${base}/alice/state` && payload.length > 0) resolve(payload.toString());
      });
    });
    await wearable.subscribeAsync(`${base}/alice/state`, { qos: 1 });
    for (let i = 0; i < 12; i++) await publishReading(wearable, base, "alice", { hr: 70 + (i % 3) });
    await waitFor(() => hub.ingest.counters.accepted >= 12, { what: "12 readings accepted" });
    expect(hub.ingest.counters.rejected.unknown_topic).toBeUndefined();
    expect(JSON.parse(await state)).toMatchObject({ level: expect.any(String) });
    expect(hub.people().map((p) => p.id)).toEqual(["alice"]);
    await wearable.endAsync();
  });
});
