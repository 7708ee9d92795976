// Actors: a publisher on the broker inventing person ids (MQTT client, QoS 1), broker (aedes or
// MQTT_TEST_URL), hub (real, HTTP on a free port), and the resident's check-config.
import { writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../hub/cli.js";
import { AUTH, connectClient, type HubFixture, startHub } from "../api/fixture.js";
import { nextTs, tempDir } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

const open: { fx: HubFixture; client: MqttClient }[] = [];
afterEach(async () => {
  for (const { fx, client } of open.splice(0)) {
    await client.endAsync();
    await fx.stop();
  }
});

async function hubWith(overrides: Parameters<typeof startHub>[0]) {
  const fx = await startHub(overrides);
  const client = await connectClient(fx.broker.url, `${fx.base}-pub`);
  open.push({ fx, client });
  return { fx, client };
}

async function publishFor(client: MqttClient, base: string, ids: readonly string[]): Promise<void> {
  await Promise.all(
    ids.map((id) =>
      client.publishAsync(`${base}/${id}/wearable`, JSON.stringify({ ts: nextTs(), hr: 70 }), { qos: 1 }),
    ),
  );
}

async function peopleIds(fx: HubFixture): Promise<string[]> {
  const res = await fetch(`${fx.hub.apiUrl}/api/people`, { headers: AUTH });
  return ((await res.json()) as { id: string }[]).map((p) => p.id);
}

const handled = (fx: HubFixture): number =>
  fx.hub.ingest.counters.accepted + Object.values(fx.hub.ingest.counters.rejected).reduce((a, b) => a + b, 0);

describe("people are not created by whoever publishes", () => {
  it("with people configured, 1,000 invented ids (constructor and hasownproperty among them) create nobody", async () => {
    const { fx, client } = await hubWith({});
    const ids = [...Array.from({ length: 998 }, (_, i) => `p${i}`), "constructor", "hasownproperty"];
    await publishFor(client, fx.base, [...ids, "alice"]);
    await waitFor(() => handled(fx) >= ids.length + 1, { what: "every publish handled" });
    expect(fx.hub.ingest.counters.rejected.unknown_topic).toBe(ids.length);
    expect(fx.hub.ingest.counters.accepted).toBe(1);
    expect(await peopleIds(fx)).toEqual(["alice", "bob"]);
  });

  it("while nobody is configured, unknown people are taken up to ingest.max_people; 'constructor' is a name like any", async () => {
    const { fx, client } = await hubWith({ people: {}, rooms: {}, ingest: { max_people: 5 } });
    await publishFor(client, fx.base, ["constructor", "p1", "p2", "p3", "p4", "p5", "p6", "p7"]);
    await waitFor(() => handled(fx) >= 8, { what: "every publish handled" });
    expect(fx.hub.ingest.counters.accepted).toBe(5);
    expect(fx.hub.ingest.counters.rejected.unknown_topic).toBe(3);
    await waitFor(async () => (await peopleIds(fx)).length === 5, { what: "five people" });
    const res = await fetch(`${fx.hub.apiUrl}/api/people`, { headers: AUTH });
    const named = ((await res.json()) as { id: string; name: string }[]).find((p) => p.id === "constructor");
    expect(named).toMatchObject({ id: "constructor", name: "constructor" });
    // A person already taken keeps streaming; the cap only stops new ones.
    await publishFor(client, fx.base, ["p1"]);
    await waitFor(() => fx.hub.ingest.counters.accepted === 6, { what: "p1 again" });
  });
});

describe("check-config says whether unknown people are accepted", () => {
  const run = async (yaml: string): Promise<string> => {
    const file = join(tempDir(), "calm.yaml");
    writeFileSync(file, yaml);
    let out = "";
    const code = await main(["check-config", file], {
      stdout: (s) => {
        out += s;
      },
      stderr: (s) => {
        out += s;
      },
      env: {},
      readFile: (path) => readFile(path, "utf8"),
    });
    expect(code).toBe(0);
    return out;
  };

  it("refused once a person is listed, accepted (with the cap) while nobody is", async () => {
    expect(await run("people:\n  alice: { name: Alice }\n")).toMatch(
      /people not listed under people are refused \(set ingest\.accept_unknown_people: true/,
    );
    expect(await run("mqtt: { base_topic: calm }\n")).toMatch(
      /are accepted \(at most 100; ingest\.accept_unknown_people\)/,
    );
  });
});
