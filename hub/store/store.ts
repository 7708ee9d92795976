import { join } from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type { ActionCause, ActionResult, Sample } from "../core/index.js";

export type { ActionResult } from "../core/index.js";

import { createPrivateFile, secureDataDir } from "./data-dir.js";

export const STORE_FILE = "calm-hub.sqlite";

export interface ActionLogEntry {
  key: string;
  at: number;
  rule_id: string;
  person: string;
  /** The reading the decision saw: score, level, reading time and id; `cause`, what set it off (newer entries). */
  trigger: { score: number; level: string; at: number; reading_id?: string; cause?: ActionCause };
  call: { domain: string; service: string; target?: unknown; data?: unknown };
  result: ActionResult;
  detail: string;
  latency_ms: number | null;
}

export interface StoredRule {
  id: string;
  origin: string;
  body: unknown;
  updated_at: number;
}

const SCHEMA_VERSION = 1;
const WRITE_BEHIND_MS = 200;

/** Volume ramp and fade steps: one log entry per step of an episode, not decisions of a rule. */
const NOT_A_STEP = "key NOT GLOB '*:ramp-*' AND key NOT GLOB '*:fade-*'";

/**
 * A person's documents: the key is the person, or starts with "<person>:". Compared as plain text, not with LIKE
 * or GLOB, where `_`, `%`, `*` in a person id are wildcards (deleting "al_ce" would delete "alice"'s documents).
 * Parameters: the person, then "<person>:".
 */
const PERSON_KEY = "(key = ?1 OR substr(key, 1, length(?2)) = ?2)";

function firedKey(ruleId: string, person: string): string {
  return `${ruleId}\u0000${person}`;
}

// One connection, synchronous calls: SQLite on a local disk answers in microseconds, and a single writer
// keeps the action log and the idempotency keys consistent without locks.
export class Store {
  readonly path: string;
  private db: DatabaseSync | undefined;
  // Prepared once per connection: preparing costs more than running these small statements.
  private readonly statements = new Map<string, StatementSync>();
  /** Cooldowns are read on every decision; kept in memory, written behind. */
  private readonly fired = new Map<string, number>();
  /**
   * Written behind, every WRITE_BEHIND_MS: action results and cooldowns. Neither guards against a repeat (the
   * claim does, and it is committed before the call), so a crash costs at most a result recorded as "dropped"
   * and a cooldown rebuilt from the claims; in exchange a decision costs one commit instead of three.
   */
  private behindResults: [string, ActionResult, string, number | null][] = [];
  private behindFired = new Map<string, [string, string, number]>();
  private behindTimer: ReturnType<typeof setTimeout> | undefined;
  private inTransaction = false;
  /** The open transaction is the claims' batch (see `batched`), committed by `commitBatch`. */
  private batchOpen = false;
  private afterCommitQueue: ((committed: boolean) => void)[] = [];

  /** Told of a batched write that could not be committed (the hub logs it). */
  onWriteError: (err: Error) => void = () => {};

  private readonly dataDir: string;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
    this.path = dataDir === ":memory:" ? ":memory:" : join(dataDir, STORE_FILE);
  }

  /** Opens (or creates) the database; refuses a data folder that other users can write to. */
  open(): void {
    if (this.db) return;
    if (this.dataDir !== ":memory:") {
      secureDataDir(this.dataDir);
      createPrivateFile(this.path);
    }
    const db = new DatabaseSync(this.path);
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 2000;");
    db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS action_log (
        key TEXT PRIMARY KEY, at INTEGER NOT NULL, rule_id TEXT NOT NULL, person TEXT NOT NULL,
        trigger_json TEXT NOT NULL, call_json TEXT NOT NULL, result TEXT NOT NULL, detail TEXT NOT NULL,
        latency_ms INTEGER
      );
      CREATE INDEX IF NOT EXISTS action_log_person ON action_log(person, at);
      CREATE TABLE IF NOT EXISTS cooldowns (
        rule_id TEXT NOT NULL, person TEXT NOT NULL, fired_at INTEGER NOT NULL, PRIMARY KEY (rule_id, person)
      );
      -- Raw readings, one row per person per flush: a row costs the same to insert whether it holds one
      -- reading or a hundred, and at thousands of readings a second per-reading rows were the hub's largest cost.
      CREATE TABLE IF NOT EXISTS sample_chunks (
        person TEXT NOT NULL, first_at INTEGER NOT NULL, last_at INTEGER NOT NULL,
        received_first INTEGER NOT NULL, received_last INTEGER NOT NULL, count INTEGER NOT NULL, body TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS sample_chunks_person ON sample_chunks(person, last_at);
      CREATE INDEX IF NOT EXISTS sample_chunks_received ON sample_chunks(received_first);
      DROP INDEX IF EXISTS action_log_at;
      CREATE TABLE IF NOT EXISTS rules (id TEXT PRIMARY KEY, origin TEXT NOT NULL, body TEXT NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS kv (scope TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at INTEGER NOT NULL,
        PRIMARY KEY (scope, key));
    `);
    db.prepare("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)").run(
      String(SCHEMA_VERSION),
    );
    this.db = db;
    this.migrateSampleRows();
    const rows = db.prepare("SELECT rule_id, person, fired_at FROM cooldowns").all() as {
      rule_id: string;
      person: string;
      fired_at: number;
    }[];
    for (const row of rows) this.fired.set(firedKey(row.rule_id, row.person), row.fired_at);
    // A cooldown written behind may have been lost with a crash; the claims of the actions it started were not.
    const claimed = db
      .prepare(
        `SELECT rule_id, person, max(at) AS at FROM action_log WHERE ${NOT_A_STEP} GROUP BY rule_id, person`,
      )
      .all() as { rule_id: string; person: string; at: number }[];
    for (const row of claimed) {
      const key = firedKey(row.rule_id, row.person);
      if (row.at > (this.fired.get(key) ?? Number.NEGATIVE_INFINITY)) this.fired.set(key, row.at);
    }
  }

  close(): void {
    this.commitBatch();
    this.flushBehind();
    this.statements.clear();
    this.fired.clear();
    this.db?.close();
    this.db = undefined;
  }

  private prepare(sql: string): StatementSync {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.conn.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private get conn(): DatabaseSync {
    if (!this.db) throw new Error("store is not open");
    return this.db;
  }

  // --- action log and idempotency ---------------------------------------------------------------

  /**
   * Claims an action key before it is executed; false means it was claimed (and maybe run) before. The claim is
   * durable only once committed: run the action from `afterCommit`.
   */
  claimAction(entry: Omit<ActionLogEntry, "result" | "detail" | "latency_ms">): boolean {
    let claimed = false;
    this.batched(() => {
      const res = this.prepare(
        "INSERT OR IGNORE INTO action_log(key, at, rule_id, person, trigger_json, call_json, result, detail, latency_ms) VALUES (?, ?, ?, ?, ?, ?, 'pending', '', NULL)",
      ).run(
        entry.key,
        entry.at,
        entry.rule_id,
        entry.person,
        JSON.stringify(entry.trigger),
        JSON.stringify(entry.call),
      );
      claimed = Number(res.changes) === 1;
    });
    return claimed;
  }

  /** Records an action's result (written behind; reads of the log see it at once). */
  finishAction(key: string, result: ActionResult, detail: string, latencyMs: number | null): void {
    this.behindResults.push([key, result, detail, latencyMs]);
    this.scheduleBehind();
  }

  private scheduleBehind(): void {
    if (this.behindTimer) return;
    this.behindTimer = setTimeout(() => this.flushBehind(), WRITE_BEHIND_MS);
    this.behindTimer.unref?.();
  }

  private flushBehind(): void {
    clearTimeout(this.behindTimer);
    this.behindTimer = undefined;
    if (!this.db || (this.behindResults.length === 0 && this.behindFired.size === 0)) return;
    const results = this.behindResults;
    const fired = [...this.behindFired.values()];
    this.behindResults = [];
    this.behindFired.clear();
    const finish = this.prepare("UPDATE action_log SET result = ?, detail = ?, latency_ms = ? WHERE key = ?");
    const cooldown = this.prepare(
      "INSERT INTO cooldowns(rule_id, person, fired_at) VALUES (?, ?, ?) ON CONFLICT(rule_id, person) DO UPDATE SET fired_at = excluded.fired_at",
    );
    try {
      this.transaction(() => {
        for (const [key, result, detail, latency] of results) finish.run(result, detail, latency, key);
        for (const [rule, person, at] of fired) cooldown.run(rule, person, at);
      });
    } catch (err) {
      this.onWriteError(err as Error);
    }
  }

  /**
   * Claims share one transaction per turn of the event loop, committed just before the next (setImmediate): a
   * commit costs tens of microseconds whatever it holds, and under load a turn can carry several decisions.
   * This one connection sees its own uncommitted rows, so reads need no flush.
   */
  private batched(write: () => void): void {
    if (!this.inTransaction) {
      this.conn.exec("BEGIN");
      this.inTransaction = true;
      this.batchOpen = true;
      setImmediate(() => this.commitBatch());
    }
    write();
  }

  /**
   * Runs `fn` once what has been written so far is on disk (at once when no transaction is open), with false
   * if the commit failed and the writes were lost.
   */
  afterCommit(fn: (committed: boolean) => void): void {
    if (this.inTransaction) this.afterCommitQueue.push(fn);
    else queueMicrotask(() => fn(true));
  }

  private commitBatch(): void {
    if (!this.batchOpen || !this.db) return;
    this.batchOpen = false;
    const failure = this.endTransaction(true);
    // Nobody is on the stack to catch it: the writers learn of it in `afterCommit`, the owner here.
    if (failure) this.onWriteError(failure);
  }

  /** Commits (or rolls back) the open transaction and runs the `afterCommit` callbacks; returns a failure. */
  private endTransaction(commit: boolean): Error | undefined {
    let failure: Error | undefined;
    try {
      this.conn.exec(commit ? "COMMIT" : "ROLLBACK");
    } catch (err) {
      failure = err as Error;
      // A failed COMMIT (disk full, I/O error) can leave the transaction open: roll it back.
      if (this.conn.isTransaction) this.conn.exec("ROLLBACK");
    } finally {
      this.inTransaction = false;
    }
    const callbacks = this.afterCommitQueue;
    this.afterCommitQueue = [];
    for (const fn of callbacks) fn(commit && !failure);
    return failure;
  }

  /** Runs `fn` in one transaction; inside one already open (the claims' batch), as a savepoint of it. */
  transaction<T>(fn: () => T): T {
    if (this.inTransaction) {
      this.conn.exec("SAVEPOINT part");
      try {
        const out = fn();
        this.conn.exec("RELEASE part");
        return out;
      } catch (err) {
        this.conn.exec("ROLLBACK TO part");
        this.conn.exec("RELEASE part");
        throw err;
      }
    }
    this.conn.exec("BEGIN");
    this.inTransaction = true;
    let out: T;
    try {
      out = fn();
    } catch (err) {
      this.endTransaction(false);
      throw err;
    }
    const failure = this.endTransaction(true);
    if (failure) throw failure;
    return out;
  }

  /** Actions claimed but never finished: the hub died between claiming and Home Assistant's answer. */
  pendingActions(): ActionLogEntry[] {
    return this.queryActions("WHERE result = 'pending' ORDER BY at", []);
  }

  /**
   * Newest first. Volume ramp and fade steps (one log entry per step) are left out unless asked for: the
   * question the log answers is "why did my room change", not "how many steps did the fade take".
   */
  recentActions(limit = 50, person?: string, steps = false): ActionLogEntry[] {
    const where = [steps ? "1" : NOT_A_STEP];
    const params: SQLInputValue[] = [];
    if (person !== undefined) {
      where.push("person = ?");
      params.push(person);
    }
    return this.queryActions(`WHERE ${where.join(" AND ")} ORDER BY at DESC LIMIT ?`, [...params, limit]);
  }

  private queryActions(tail: string, params: SQLInputValue[]): ActionLogEntry[] {
    this.flushBehind();
    const rows = this.prepare(`SELECT * FROM action_log ${tail}`).all(...params) as Record<
      string,
      SQLInputValue
    >[];
    return rows.map((r) => ({
      key: String(r.key),
      at: Number(r.at),
      rule_id: String(r.rule_id),
      person: String(r.person),
      trigger: JSON.parse(String(r.trigger_json)) as ActionLogEntry["trigger"],
      call: JSON.parse(String(r.call_json)) as ActionLogEntry["call"],
      result: String(r.result) as ActionResult,
      detail: String(r.detail),
      latency_ms: r.latency_ms === null ? null : Number(r.latency_ms),
    }));
  }

  // --- cooldowns ----------------------------------------------------------------------------------

  lastFired(ruleId: string, person: string): number | undefined {
    return this.fired.get(firedKey(ruleId, person));
  }

  recordFired(ruleId: string, person: string, at: number): void {
    const key = firedKey(ruleId, person);
    this.fired.set(key, at);
    this.behindFired.set(key, [ruleId, person, at]);
    this.scheduleBehind();
  }

  // --- samples and retention ----------------------------------------------------------------------

  /** Stores readings, one chunk per person. */
  addSamples(samples: readonly Sample[]): void {
    if (samples.length === 0) return;
    const byPerson = new Map<string, Sample[]>();
    for (const s of samples) {
      const list = byPerson.get(s.person);
      if (list) list.push(s);
      else byPerson.set(s.person, [s]);
    }
    const stmt = this.prepare(
      "INSERT INTO sample_chunks(person, first_at, last_at, received_first, received_last, count, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.transaction(() => {
      for (const [person, list] of byPerson) {
        const r = spanOf(list);
        stmt.run(person, r.first, r.last, r.receivedFirst, r.receivedLast, list.length, JSON.stringify(list));
      }
    });
  }

  /** A person's readings measured at or after `since`, oldest first, at most `limit`. */
  samples(person: string, since: number, limit = 10_000): Sample[] {
    const rows = this.prepare(
      "SELECT body FROM sample_chunks WHERE person = ? AND last_at >= ? ORDER BY first_at",
    ).all(person, Math.floor(since)) as { body: string }[];
    const out: Sample[] = [];
    for (const row of rows)
      for (const s of JSON.parse(row.body) as Sample[]) if (s.measured_at >= since) out.push(s);
    // Chunks overlap when readings arrive out of order.
    out.sort((a, b) => a.measured_at - b.measured_at);
    return out.length > limit ? out.slice(0, limit) : out;
  }

  /** Deletes raw readings received before `before`; returns how many went. */
  pruneSamples(before: number): number {
    return this.transaction(() => {
      let deleted = this.deleteChunks("received_first < ? AND received_last < ?", before, before);
      // What is left below the cut are chunks that straddle it: keep their newer readings only.
      const straddling = this.prepare(
        "SELECT rowid AS id, body FROM sample_chunks WHERE received_first < ?",
      ).all(before) as { id: number; body: string }[];
      for (const row of straddling) {
        const list = JSON.parse(row.body) as Sample[];
        const kept = list.filter((s) => s.received_at >= before);
        deleted += list.length - kept.length;
        this.rewriteChunk(row.id, kept);
      }
      return deleted;
    });
  }

  /** Deletes the chunks that match `where`; returns how many readings they held. */
  private deleteChunks(where: string, ...params: SQLInputValue[]): number {
    const held = this.prepare(`SELECT coalesce(sum(count), 0) AS n FROM sample_chunks WHERE ${where}`).get(
      ...params,
    ) as { n: number };
    this.prepare(`DELETE FROM sample_chunks WHERE ${where}`).run(...params);
    return Number(held.n);
  }

  private rewriteChunk(id: number, kept: Sample[]): void {
    if (kept.length === 0) {
      this.prepare("DELETE FROM sample_chunks WHERE rowid = ?").run(id);
      return;
    }
    const r = spanOf(kept);
    this.prepare(
      "UPDATE sample_chunks SET first_at = ?, last_at = ?, received_first = ?, received_last = ?, count = ?, body = ? WHERE rowid = ?",
    ).run(r.first, r.last, r.receivedFirst, r.receivedLast, kept.length, JSON.stringify(kept), id);
  }

  /** Stores of an earlier version kept one row per reading: move them into chunks once. */
  private migrateSampleRows(): void {
    const conn = this.conn;
    if (!conn.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'samples'").get()) return;
    this.transaction(() => {
      conn.exec(`
        INSERT INTO sample_chunks(person, first_at, last_at, received_first, received_last, count, body)
          SELECT person, measured_at, measured_at, received_at, received_at, 1, '[' || body || ']'
          FROM samples ORDER BY rowid;
        DROP TABLE samples;
      `);
    });
  }

  pruneActions(before: number): number {
    return Number(
      this.prepare("DELETE FROM action_log WHERE at < ? AND result != 'pending'").run(before).changes,
    );
  }

  // --- rules --------------------------------------------------------------------------------------

  listRules(): StoredRule[] {
    const rows = this.prepare("SELECT * FROM rules ORDER BY id").all() as {
      id: string;
      origin: string;
      body: string;
      updated_at: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      origin: r.origin,
      body: JSON.parse(r.body) as unknown,
      updated_at: r.updated_at,
    }));
  }

  putRule(rule: StoredRule): void {
    this.prepare(
      "INSERT INTO rules(id, origin, body, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET origin = excluded.origin, body = excluded.body, updated_at = excluded.updated_at",
    ).run(rule.id, rule.origin, JSON.stringify(rule.body), rule.updated_at);
  }

  deleteRule(id: string): boolean {
    return Number(this.prepare("DELETE FROM rules WHERE id = ?").run(id).changes) === 1;
  }

  // --- small documents (baselines, episodes, settings) --------------------------------------------

  getDoc<T>(scope: string, key: string): T | undefined {
    const row = this.prepare("SELECT value FROM kv WHERE scope = ? AND key = ?").get(scope, key) as
      | { value: string }
      | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  putDoc(scope: string, key: string, value: unknown, at: number): void {
    this.prepare(
      "INSERT INTO kv(scope, key, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    ).run(scope, key, JSON.stringify(value), at);
  }

  deleteDoc(scope: string, key: string): void {
    this.prepare("DELETE FROM kv WHERE scope = ? AND key = ?").run(scope, key);
  }

  listDocs<T>(scope: string): { key: string; value: T }[] {
    const rows = this.prepare("SELECT key, value FROM kv WHERE scope = ? ORDER BY key").all(scope) as {
      key: string;
      value: string;
    }[];
    return rows.map((r) => ({ key: r.key, value: JSON.parse(r.value) as T }));
  }

  // --- per-person export and delete ---------------------------------------------------------------

  exportPerson(person: string): Record<string, unknown> {
    this.flushBehind();
    const docs = (
      this.prepare(`SELECT scope, key, value FROM kv WHERE ${PERSON_KEY} ORDER BY scope, key`).all(
        person,
        `${person}:`,
      ) as {
        scope: string;
        key: string;
        value: string;
      }[]
    ).map((d) => ({ scope: d.scope, key: d.key, value: JSON.parse(d.value) as unknown }));
    return {
      person,
      samples: this.samples(person, 0, Number.MAX_SAFE_INTEGER),
      actions: this.queryActions("WHERE person = ? ORDER BY at", [person]),
      cooldowns: this.prepare("SELECT rule_id, fired_at FROM cooldowns WHERE person = ?").all(person),
      documents: docs,
    };
  }

  deletePerson(person: string): Record<string, number> {
    this.flushBehind();
    const counts: Record<string, number> = {};
    this.transaction(() => {
      counts.samples = this.deleteChunks("person = ?", person);
      counts.actions = Number(this.prepare("DELETE FROM action_log WHERE person = ?").run(person).changes);
      for (const key of [...this.fired.keys()])
        if (key.endsWith(firedKey("", person))) this.fired.delete(key);
      counts.cooldowns = Number(this.prepare("DELETE FROM cooldowns WHERE person = ?").run(person).changes);
      counts.documents = Number(
        this.prepare(`DELETE FROM kv WHERE ${PERSON_KEY}`).run(person, `${person}:`).changes,
      );
    });
    return counts;
  }
}

/** The measured and received time ranges of a chunk (measured times come rounded down and up). */
function spanOf(list: readonly Sample[]): {
  first: number;
  last: number;
  receivedFirst: number;
  receivedLast: number;
} {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let receivedFirst = Number.POSITIVE_INFINITY;
  let receivedLast = Number.NEGATIVE_INFINITY;
  for (const s of list) {
    first = Math.min(first, s.measured_at);
    last = Math.max(last, s.measured_at);
    receivedFirst = Math.min(receivedFirst, s.received_at);
    receivedLast = Math.max(receivedLast, s.received_at);
  }
  return {
    first: Math.floor(first),
    last: Math.ceil(last),
    receivedFirst: Math.floor(receivedFirst),
    receivedLast: Math.ceil(receivedLast),
  };
}
