// The SQLite store on disk: readings kept in per-person chunks, claims committed before their action runs,
// results and cooldowns written behind yet never lost to a reader or to a crash.
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Sample } from "../../hub/core/index.js";
import { STORE_FILE, Store } from "../../hub/store/index.js";
import { tempDir } from "../support/hub.js";

/** Any JSON document: these tests are about which rows go, not their shape. */
const Doc = z.unknown();

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);

function reading(person: string, measuredAt: number, id: string, receivedAt = measuredAt): Sample {
  return {
    person,
    measured_at: measuredAt,
    received_at: receivedAt,
    source: "native",
    quality: 1,
    id,
    hr: 70,
  };
}

const claim = (key: string, person = "alice", at = T0) => ({
  key,
  at,
  rule_id: "calm-scene",
  person,
  trigger: { score: 80, level: "high", at },
  call: { domain: "scene", service: "turn_on", target: { entity_id: "scene.calm" } },
});

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

const opened: Store[] = [];
function openStore(dir = tempDir()): Store {
  const store = new Store(dir);
  store.open();
  opened.push(store);
  return store;
}

afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

describe("readings", () => {
  it("returns a person's readings in measured order across flushes, from `since`, up to `limit`", () => {
    const store = openStore();
    // Two flushes; the second carries a reading that was measured before some of the first's.
    store.samples.add([
      reading("alice", T0 + 2000, "a2"),
      reading("bob", T0, "b0"),
      reading("alice", T0, "a0"),
    ]);
    store.samples.add([reading("alice", T0 + 1000, "a1"), reading("alice", T0 + 3000, "a3")]);

    expect(store.samples.list("alice", 0).map((s) => s.id)).toEqual(["a0", "a1", "a2", "a3"]);
    expect(store.samples.list("alice", T0 + 1000).map((s) => s.id)).toEqual(["a1", "a2", "a3"]);
    expect(store.samples.list("alice", 0, 2).map((s) => s.id)).toEqual(["a0", "a1"]);
    expect(store.samples.list("bob", 0)).toEqual([reading("bob", T0, "b0")]);
  });

  it("prunes by arrival time, keeping the newer readings of a flush that straddles the cut", () => {
    const store = openStore();
    const day = 86_400_000;
    store.samples.add([reading("alice", T0 - 40 * day, "old"), reading("bob", T0 - 35 * day, "old-bob")]);
    store.samples.add([reading("alice", T0 - 31 * day, "old-2"), reading("alice", T0 - 29 * day, "recent")]);
    store.samples.add([reading("alice", T0, "now")]);

    expect(store.samples.prune(T0 - 30 * day)).toBe(3);
    expect(store.samples.list("alice", 0).map((s) => s.id)).toEqual(["recent", "now"]);
    expect(store.samples.list("bob", 0)).toEqual([]);
    expect(store.samples.prune(T0 - 30 * day)).toBe(0);
  });

  it("counts what a per-person delete removed, and leaves everyone else's readings", () => {
    const store = openStore();
    store.samples.add([reading("alice", T0, "a0"), reading("alice", T0 + 1, "a1"), reading("bob", T0, "b0")]);
    store.samples.add([reading("alice", T0 + 2, "a2")]);
    expect(store.deletePerson("alice").samples).toBe(3);
    expect(store.samples.list("alice", 0)).toEqual([]);
    expect(store.samples.list("bob", 0).map((s) => s.id)).toEqual(["b0"]);
  });

  it("moves the readings of an older store (one row per reading) into chunks on open", () => {
    const dir = tempDir();
    const old = new DatabaseSync(join(dir, STORE_FILE));
    old.exec(`CREATE TABLE samples (person TEXT NOT NULL, measured_at INTEGER NOT NULL, received_at INTEGER NOT NULL,
      source TEXT NOT NULL, body TEXT NOT NULL)`);
    const insert = old.prepare("INSERT INTO samples VALUES (?, ?, ?, ?, ?)");
    for (const s of [reading("alice", T0 + 5, "x1"), reading("alice", T0, "x0")])
      insert.run(s.person, s.measured_at, s.received_at, s.source, JSON.stringify(s));
    old.close();

    const store = openStore(dir);
    expect(store.samples.list("alice", 0).map((s) => s.id)).toEqual(["x0", "x1"]);
    const check = new DatabaseSync(join(dir, STORE_FILE), { readOnly: true });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name = 'samples'").get()).toBeUndefined();
    check.close();
  });
});

describe("per-person export and delete", () => {
  it("takes only that person's documents, even when the id holds a LIKE wildcard", () => {
    const store = openStore();
    store.docs.put("episodes", "alice:e1", { n: 1 }, T0);
    store.docs.put("detector", "alice", { n: 2 }, T0);
    store.docs.put("episodes", "al_ce:e2", { n: 3 }, T0);
    store.docs.put("episodes", "al_ce", { n: 4 }, T0);
    store.docs.put("episodes", "al_cex:e3", { n: 5 }, T0);

    expect(store.exportPerson("al_ce").documents).toEqual([
      { scope: "episodes", key: "al_ce", value: { n: 4 } },
      { scope: "episodes", key: "al_ce:e2", value: { n: 3 } },
    ]);
    expect(store.deletePerson("al_ce").documents).toBe(2);
    expect(store.docs.get("episodes", "alice:e1", Doc)).toEqual({ n: 1 });
    expect(store.docs.get("detector", "alice", Doc)).toEqual({ n: 2 });
    expect(store.docs.get("episodes", "al_cex:e3", Doc)).toEqual({ n: 5 });
    expect(store.docs.get("episodes", "al_ce:e2", Doc)).toBeUndefined();
  });
});

describe("action claims, results and cooldowns", () => {
  it("runs an action only after its claim is committed, where another connection can see it", async () => {
    const dir = tempDir();
    const store = openStore(dir);
    const reader = new DatabaseSync(join(dir, STORE_FILE), { readOnly: true });
    const seen = (key: string) =>
      reader.prepare("SELECT result FROM action_log WHERE key = ?").get(key) as
        | { result: string }
        | undefined;

    expect(store.actions.claim(claim("k1"))).toBe(true);
    expect(store.actions.claim(claim("k2"))).toBe(true);
    expect(store.actions.claim(claim("k1"))).toBe(false); // already claimed this turn
    const visibleAtRun: (string | undefined)[] = [];
    store.afterCommit((committed) => {
      expect(committed).toBe(true);
      visibleAtRun.push(seen("k1")?.result, seen("k2")?.result);
    });
    expect(seen("k1")).toBeUndefined(); // not yet committed: nothing may run yet
    await nextTurn();
    expect(visibleAtRun).toEqual(["pending", "pending"]);
    expect(store.actions.claim(claim("k1"))).toBe(false); // and after
    reader.close();
  });

  it("undoes only its own part when a transaction fails inside an open batch of claims", async () => {
    const dir = tempDir();
    const store = openStore(dir);
    store.actions.claim(claim("k1"));
    expect(() =>
      store.transaction(() => {
        store.docs.put("settings", "paused", true, T0);
        throw new Error("half-way");
      }),
    ).toThrow("half-way");
    expect(store.docs.get("settings", "paused", Doc)).toBeUndefined();
    await nextTurn();
    store.close();
    const again = openStore(dir);
    expect(again.actions.pending().map((a) => a.key)).toEqual(["k1"]);
  });

  it("shows a result to readers at once, and keeps it across a restart", () => {
    const dir = tempDir();
    const store = new Store(dir);
    store.open();
    store.actions.claim(claim("k1"));
    store.actions.finish("k1", "ok", "done", 42);
    expect(store.actions.recent(10)[0]).toMatchObject({ key: "k1", result: "ok", latency_ms: 42 });
    store.close();

    const again = openStore(dir);
    expect(again.actions.pending()).toEqual([]);
    expect(again.actions.recent(10)[0]).toMatchObject({ key: "k1", result: "ok", detail: "done" });
  });

  it("rebuilds a cooldown from the committed claims when the hub died before writing it", async () => {
    const dir = tempDir();
    const store = openStore(dir);
    store.actions.claim(claim("calm-scene:alice:r1:0", "alice", T0));
    store.cooldowns.recordFired("calm-scene", "alice", T0);
    await nextTurn(); // the claim is committed; the cooldown is still waiting to be written behind

    // What a SIGKILL leaves on disk: the database and its write-ahead log as they are now.
    const crashed = tempDir();
    for (const suffix of ["", "-wal"]) {
      const from = join(dir, STORE_FILE + suffix);
      if (existsSync(from)) copyFileSync(from, join(crashed, STORE_FILE + suffix));
    }
    const after = openStore(crashed);
    expect(after.cooldowns.lastFired("calm-scene", "alice")).toBe(T0);
    expect(after.cooldowns.lastFired("calm-scene", "bob")).toBeUndefined();
  });
});
