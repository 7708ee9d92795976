// Moods are as personal as readings: per-person export and delete cover them and their check-ins, retention
// (mood.mood_days) removes old ones, and the log never says which mood.
// Actors: hub (a real Hub with its SQLite store on disk and its API), HA simulator, broker (aedes or MQTT_TEST_URL).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import type { Hub } from "../../hub/hub.js";
import { CHECK_IN_SCOPE, MOOD_SCOPE } from "../../hub/mood/index.js";
import { Store } from "../../hub/store/index.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { captureLog } from "../support/capture-log.js";
import { API_TOKEN, startTestHub, tempDir } from "../support/hub.js";

let broker: TestBroker;
let sim: HaSimulator;
const hubs: Hub[] = [];
const DAY = 86_400_000;
const headers = { authorization: `Bearer ${API_TOKEN}` };

beforeAll(async () => {
  broker = await startTestBroker();
  sim = await HaSimulator.start();
});
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.stop();
});
afterAll(async () => {
  await sim?.stop();
  await broker?.stop();
});

describe("moods and privacy", () => {
  it("exports and deletes a person's moods and check-ins, applies mood_days, and logs no mood", async () => {
    const dataDir = tempDir();
    const now = Date.now();
    // Written by an earlier run: one mood past mood_days, one within it, one check-in, and someone else's mood.
    const before = new Store(dataDir);
    before.open();
    const old = now - 40 * DAY;
    before.docs.put(
      MOOD_SCOPE,
      `alice:${old}`,
      { person: "alice", at: old, mood: "low", source: "api" },
      old,
      old,
    );
    const recent = now - 2 * DAY;
    before.docs.put(
      MOOD_SCOPE,
      `alice:${recent}`,
      { person: "alice", at: recent, mood: "okay", source: "voice" },
      recent,
      recent,
    );
    before.docs.put(CHECK_IN_SCOPE, "alice:ABCD1234", { id: "ABCD1234", person: "alice" }, recent, recent);
    before.docs.put(
      MOOD_SCOPE,
      `bob:${recent}`,
      { person: "bob", at: recent, mood: "great", source: "api" },
      recent,
      recent,
    );
    before.close();

    const log = captureLog("info");
    const hub = await startTestHub({
      mqttUrl: broker.url,
      base: `${broker.base}pm`,
      haUrl: sim.url,
      haToken: sim.token,
      dataDir,
      logger: log.logger,
      yaml: "people:\n  alice: {}\n  bob: {}\nmood: { mood_days: 30 }",
    });
    hubs.push(hub);
    const api = hub.api;
    if (!api) throw new Error("no API");
    const told = await api.inject({
      method: "POST",
      url: "/api/people/alice/mood",
      headers,
      payload: { mood: "anxious", note: "before the exam" },
    });
    expect(told.statusCode).toBe(200);

    // Retention ran at start: the 40-day-old mood is gone, the rest stays.
    expect(hub.mood.moods("alice").map((m) => m.mood)).toEqual(["anxious", "okay"]);
    expect(log.lines().some((l) => l.msg === "retention: old records deleted" && l.moods === 1)).toBe(true);

    const exported = (
      await api.inject({ method: "GET", url: "/api/people/alice/export", headers })
    ).json() as {
      documents: { scope: string; value: { mood?: string; note?: string } }[];
    };
    const scopes = exported.documents.map((d) => d.scope);
    expect(scopes.filter((s) => s === MOOD_SCOPE)).toHaveLength(2);
    expect(scopes).toContain(CHECK_IN_SCOPE);
    expect(exported.documents.some((d) => d.value.note === "before the exam")).toBe(true);
    expect(JSON.stringify(exported)).not.toContain('"great"');

    const deleted = await api.inject({ method: "DELETE", url: "/api/people/alice/data", headers });
    expect(deleted.statusCode).toBe(200);
    expect(hub.mood.moods("alice")).toEqual([]);
    expect(hub.mood.checkIns("alice")).toEqual([]);
    expect(hub.mood.moods("bob").map((m) => m.mood)).toEqual(["great"]);

    const text = log.text();
    expect(text).not.toMatch(/anxious|before the exam/);
  });
});
