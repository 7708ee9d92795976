// Opening a data folder left by an earlier version: its records survive the migration, a second open changes
// nothing, and a file from a newer version is refused before anything is written to it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { HubError, Sample } from "../../hub/core/index.js";
import { SCHEMA_VERSION, STORE_FILE, Store } from "../../hub/store/index.js";
import { tempDir } from "../support/hub.js";

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);
const DAY = 86_400_000;

const reading = (id: string, at: number): Sample => ({
  person: "alice",
  measured_at: at,
  received_at: at,
  source: "native",
  quality: 1,
  id,
  hr: 72,
});

/**
 * A store as the last version before numbered migrations wrote it: these statements are its schema, read
 * back from a file that version created (`user_version` 0, the version only in `meta`), with one record in
 * every table.
 */
function storeOfSchema1(dir: string): void {
  const db = new DatabaseSync(join(dir, STORE_FILE));
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE action_log (
      key TEXT PRIMARY KEY, at INTEGER NOT NULL, rule_id TEXT NOT NULL, person TEXT NOT NULL,
      trigger_json TEXT NOT NULL, call_json TEXT NOT NULL, result TEXT NOT NULL, detail TEXT NOT NULL,
      latency_ms INTEGER
    );
    CREATE INDEX action_log_person ON action_log(person, at);
    CREATE TABLE cooldowns (
      rule_id TEXT NOT NULL, person TEXT NOT NULL, fired_at INTEGER NOT NULL, PRIMARY KEY (rule_id, person)
    );
    CREATE TABLE sample_chunks (
      person TEXT NOT NULL, first_at INTEGER NOT NULL, last_at INTEGER NOT NULL,
      received_first INTEGER NOT NULL, received_last INTEGER NOT NULL, count INTEGER NOT NULL, body TEXT NOT NULL
    );
    CREATE INDEX sample_chunks_person ON sample_chunks(person, last_at);
    CREATE INDEX sample_chunks_received ON sample_chunks(received_first);
    CREATE TABLE rules (id TEXT PRIMARY KEY, origin TEXT NOT NULL, body TEXT NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE kv (scope TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at INTEGER NOT NULL,
      PRIMARY KEY (scope, key));
    INSERT INTO meta VALUES ('schema_version', '1');
  `);
  const trigger = JSON.stringify({ score: 81, level: "high", at: T0 - 60_000 });
  const call = JSON.stringify({ domain: "scene", service: "turn_on", target: { entity_id: "scene.calm" } });
  const log = db.prepare("INSERT INTO action_log VALUES (?, ?, ?, 'alice', ?, ?, ?, ?, ?)");
  log.run("calm-scene:alice:r1:0", T0 - 60_000, "calm-scene", trigger, call, "ok", "", 35);
  log.run("calm-scene:alice:r2:0", T0, "calm-scene", trigger, call, "pending", "", null);
  db.prepare("INSERT INTO cooldowns VALUES ('calm-scene', 'alice', ?)").run(T0 - 60_000);
  const samples = [reading("s1", T0 - 2000), reading("s2", T0 - 1000)];
  db.prepare("INSERT INTO sample_chunks VALUES ('alice', ?, ?, ?, ?, 2, ?)").run(
    T0 - 2000,
    T0 - 1000,
    T0 - 2000,
    T0 - 1000,
    JSON.stringify(samples),
  );
  db.prepare("INSERT INTO rules VALUES ('evening', 'api', ?, ?)").run(JSON.stringify({ id: "evening" }), T0);
  const doc = db.prepare("INSERT INTO kv VALUES (?, ?, ?, ?)");
  // Episodes were saved last when they ended: the older one below was written after the newer one started.
  doc.run("episode", "alice:E1", JSON.stringify({ id: "E1", started_at: T0 - 3 * DAY }), T0 - DAY);
  doc.run("episode", "alice:E2", JSON.stringify({ id: "E2", started_at: T0 - 2 * DAY }), T0 - 2 * DAY);
  doc.run("wind_down", "2026-11-26:living_room", JSON.stringify({ index: 3 }), T0 - DAY);
  doc.run("hub", "controls", JSON.stringify({ paused: true }), T0);
  db.close();
}

const userVersion = (dir: string): number => {
  const db = new DatabaseSync(join(dir, STORE_FILE), { readOnly: true });
  const row = db.prepare("PRAGMA user_version").get();
  db.close();
  return Number(row?.user_version);
};

const opened: Store[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});
function open(dir: string): Store {
  const store = new Store(dir);
  store.open();
  opened.push(store);
  return store;
}

const Episode = z.object({ id: z.string(), started_at: z.number() });

describe("migrations", () => {
  it("brings a store of the first schema up to date with every record kept", () => {
    const dir = tempDir();
    storeOfSchema1(dir);
    const store = open(dir);

    expect(userVersion(dir)).toBe(SCHEMA_VERSION);
    expect(store.samples.list("alice", 0).map((s) => s.id)).toEqual(["s1", "s2"]);
    expect(store.actions.recent(10).map((a) => [a.key, a.result])).toEqual([
      ["calm-scene:alice:r2:0", "pending"],
      ["calm-scene:alice:r1:0", "ok"],
    ]);
    expect(store.actions.pending().map((a) => a.key)).toEqual(["calm-scene:alice:r2:0"]);
    // The pending claim is newer than the stored cooldown: the cooldown follows the claim.
    expect(store.cooldowns.lastFired("calm-scene", "alice")).toBe(T0);
    expect(store.rules.list()).toEqual([
      { id: "evening", origin: "api", body: { id: "evening" }, updated_at: T0 },
    ]);
    expect(store.docs.get("hub", "controls", z.object({ paused: z.boolean() }))).toEqual({ paused: true });
    // Existing episodes are listed by when they started, not by when they were last saved.
    expect(store.docs.list("episode", Episode, { newestFirst: true }).map((d) => d.value.id)).toEqual([
      "E2",
      "E1",
    ]);
    expect(store.exportPerson("alice")).toMatchObject({
      samples: [{ id: "s1" }, { id: "s2" }],
      cooldowns: [{ rule_id: "calm-scene", fired_at: T0 - 60_000 }],
    });
  });

  it("changes nothing on a second open", () => {
    const dir = tempDir();
    storeOfSchema1(dir);
    open(dir).close();
    opened.length = 0;
    const before = readFileSync(join(dir, STORE_FILE));
    const again = open(dir);
    expect(userVersion(dir)).toBe(SCHEMA_VERSION);
    expect(again.samples.list("alice", 0)).toHaveLength(2);
    again.close();
    opened.length = 0;
    expect(readFileSync(join(dir, STORE_FILE)).equals(before)).toBe(true);
  });

  it("creates an empty store at the current version", () => {
    const dir = tempDir();
    const store = open(dir);
    expect(userVersion(dir)).toBe(SCHEMA_VERSION);
    store.docs.put("episode", "bob:E9", { id: "E9", started_at: T0 }, T0 + 5, T0);
    expect(store.docs.list("episode", Episode)).toEqual([
      { key: "bob:E9", value: { id: "E9", started_at: T0 } },
    ]);
  });

  it("refuses a store written by a newer version, and leaves it as it was", () => {
    const dir = tempDir();
    open(dir).close();
    opened.length = 0;
    const db = new DatabaseSync(join(dir, STORE_FILE));
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = readFileSync(join(dir, STORE_FILE));

    const store = new Store(dir);
    let error: HubError | undefined;
    try {
      store.open();
    } catch (err) {
      error = err as HubError;
    }
    expect(error?.code).toBe("CALM_ERR_STORE_VERSION");
    expect(error?.message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(() => store.actions.recent()).toThrow("store is not open");
    expect(userVersion(dir)).toBe(SCHEMA_VERSION + 1);
    expect(readFileSync(join(dir, STORE_FILE)).equals(before)).toBe(true);
  });
});
