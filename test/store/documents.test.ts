// Documents on disk: read only through their owner's schema, listed newest first without reading the rest,
// and the episode and wind-down history deleted after `store.episode_days`.
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { parseConfig } from "../../hub/config/index.js";
import { Store } from "../../hub/store/index.js";
import { type CapturedLog, captureLog } from "../support/capture-log.js";
import { tempDir } from "../support/hub.js";

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);
const DAY = 86_400_000;

const Tally = z.object({ day: z.string(), ids: z.array(z.string()) });
const Episode = z.object({ id: z.string(), person: z.string(), started_at: z.number() });

const opened: Store[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});
function open(dir = tempDir(), log?: CapturedLog): Store {
  const store = new Store(dir, log?.logger);
  store.open();
  opened.push(store);
  return store;
}

describe("documents", () => {
  it("reads a document through its schema and survives a restart", () => {
    const dir = tempDir();
    open(dir).docs.put("friend", "alice:episodes", { day: "2026-11-27", ids: ["E1"] }, T0);
    opened.splice(0).forEach((s) => {
      s.close();
    });
    expect(open(dir).docs.get("friend", "alice:episodes", Tally)).toEqual({ day: "2026-11-27", ids: ["E1"] });
  });

  it("reads a document that no longer fits its schema as absent, and says so without its content", () => {
    const log = captureLog("warn");
    const store = open(tempDir(), log);
    store.docs.put("friend", "alice:episodes", { day: "2026-11-27", ids: "E1", hr: 131 }, T0);
    store.docs.put("friend", "bob:episodes", { day: "2026-11-27", ids: ["E2"] }, T0);

    expect(store.docs.get("friend", "alice:episodes", Tally)).toBeUndefined();
    expect(store.docs.list("friend", Tally).map((d) => d.key)).toEqual(["bob:episodes"]);
    const warnings = log.lines().filter((l) => l.component === "store");
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ table: "kv:friend", issues: [expect.stringContaining("ids")] });
    expect(log.text()).not.toContain("131");
  });

  it("lists a scope newest first, one person's only (an exact prefix, not a pattern), up to a limit", () => {
    const store = open();
    for (const [key, startedAt] of [
      ["alice:E1", T0 - 3 * DAY],
      ["alice:E3", T0 - DAY],
      ["alice:E2", T0 - 2 * DAY],
      ["al_ce:E4", T0],
      ["bob:E5", T0 + 1],
    ] as const) {
      const [person = "", id = ""] = key.split(":");
      store.docs.put("episode", key, { id, person, started_at: startedAt }, T0 + 10, startedAt);
    }
    const ids = (o: Parameters<typeof store.docs.list>[2]) =>
      store.docs.list("episode", Episode, o).map((d) => d.value.id);

    expect(ids({ newestFirst: true, limit: 2 })).toEqual(["E5", "E4"]);
    expect(ids({ person: "alice", newestFirst: true })).toEqual(["E3", "E2", "E1"]);
    expect(ids({ person: "al_ce" })).toEqual(["E4"]);
    expect(ids({ person: "al%" })).toEqual([]);
  });

  it("reads only the rows a limited listing returns: an old damaged episode is not even parsed", () => {
    const log = captureLog("warn");
    const store = open(tempDir(), log);
    store.docs.put("episode", "alice:OLD", { id: "OLD" }, T0 - 2 * DAY, T0 - 2 * DAY);
    store.docs.put("episode", "alice:E1", { id: "E1", person: "alice", started_at: T0 - DAY }, T0, T0 - DAY);
    store.docs.put("episode", "alice:E2", { id: "E2", person: "alice", started_at: T0 }, T0, T0);

    expect(store.docs.list("episode", Episode, { newestFirst: true, limit: 2 }).map((d) => d.key)).toEqual([
      "alice:E2",
      "alice:E1",
    ]);
    expect(log.lines()).toEqual([]);
    expect(store.docs.list("episode", Episode, { newestFirst: true }).map((d) => d.key)).toHaveLength(2);
    expect(log.lines()).toHaveLength(1);
  });
});

describe("retention of the episode and wind-down history", () => {
  it("deletes episodes and wind-down evenings older than store.episode_days, and nothing else", () => {
    const store = open();
    const now = T0;
    const old = now - 91 * DAY;
    store.docs.put(
      "episode",
      "alice:OLD",
      { id: "OLD", person: "alice", started_at: old },
      old + 60_000,
      old,
    );
    store.docs.put("episode", "alice:NEW", { id: "NEW", person: "alice", started_at: now - DAY }, now - DAY);
    store.docs.put("wind_down", "2026-08-01:living_room", { index: 4 }, old);
    store.docs.put("wind_down", "2026-11-26:living_room", { index: 4 }, now - DAY);
    store.docs.put("outcome", "alice:OLD", { recipe_id: "dim_rain" }, old);
    store.docs.put("outcome_comparison", "alice:1", { at: 1 }, old);
    store.docs.put("outcome", "alice:NEW", { recipe_id: "dim_rain" }, now - DAY);
    store.docs.put("hub", "controls", { paused: false }, old);
    store.docs.put("detector", "state", { version: 1 }, old);

    const config = parseConfig("", {}).store;
    expect(config.episode_days).toBe(90);
    expect(store.applyRetention(now, config)).toEqual({
      samples: 0,
      actions: 0,
      episodes: 1,
      wind_downs: 1,
      moods: 0,
      insight_summaries: 0,
      outcomes: 2,
    });
    expect(store.docs.list("outcome", z.unknown()).map((d) => d.key)).toEqual(["alice:NEW"]);

    expect(store.docs.list("episode", Episode).map((d) => d.key)).toEqual(["alice:NEW"]);
    expect(store.docs.list("wind_down", z.unknown()).map((d) => d.key)).toEqual(["2026-11-26:living_room"]);
    expect(store.docs.get("hub", "controls", z.unknown())).toEqual({ paused: false });
    expect(store.docs.get("detector", "state", z.unknown())).toEqual({ version: 1 });
    expect(store.applyRetention(now + 1, { ...config, episode_days: 1 }).episodes).toBe(1);
  });
});

describe("rules", () => {
  it("keeps API rules across a restart, and deletes one by id", () => {
    const dir = tempDir();
    const store = open(dir);
    store.rules.put({ id: "a", origin: "api", body: { id: "a", when: {} }, updated_at: T0 });
    store.rules.put({ id: "b", origin: "node-red", body: { id: "b" }, updated_at: T0 });
    store.rules.put({ id: "a", origin: "api", body: { id: "a", when: { x: 1 } }, updated_at: T0 + 1 });
    expect(store.rules.delete("b")).toBe(true);
    expect(store.rules.delete("b")).toBe(false);
    store.close();
    opened.length = 0;
    expect(open(dir).rules.list()).toEqual([
      { id: "a", origin: "api", body: { id: "a", when: { x: 1 } }, updated_at: T0 + 1 },
    ]);
  });
});
