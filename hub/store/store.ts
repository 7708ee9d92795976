import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type { Sample } from "../core/index.js";

export const STORE_FILE = "calm-hub.sqlite";

export type ActionResult = "ok" | "error" | "expired" | "dropped";

export interface ActionLogEntry {
  key: string;
  at: number;
  rule_id: string;
  person: string;
  /** The reading that set it off: score, level, reading time and id. */
  trigger: { score: number; level: string; at: number; reading_id?: string };
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
  /** Cooldowns are read on every decision; kept in memory, written through. */
  private readonly fired = new Map<string, number>();
  private finished: [string, ActionResult, string, number | null][] = [];
  private inTransaction = false;

  constructor(dataDir: string) {
    this.path = dataDir === ":memory:" ? ":memory:" : join(dataDir, STORE_FILE);
    if (dataDir !== ":memory:") mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  }

  open(): void {
    if (this.db) return;
    const db = new DatabaseSync(this.path);
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 2000;");
    db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS action_log (
        key TEXT PRIMARY KEY, at INTEGER NOT NULL, rule_id TEXT NOT NULL, person TEXT NOT NULL,
        trigger_json TEXT NOT NULL, call_json TEXT NOT NULL, result TEXT NOT NULL, detail TEXT NOT NULL,
        latency_ms INTEGER
      );
      CREATE INDEX IF NOT EXISTS action_log_at ON action_log(at);
      CREATE INDEX IF NOT EXISTS action_log_person ON action_log(person, at);
      CREATE TABLE IF NOT EXISTS cooldowns (
        rule_id TEXT NOT NULL, person TEXT NOT NULL, fired_at INTEGER NOT NULL, PRIMARY KEY (rule_id, person)
      );
      CREATE TABLE IF NOT EXISTS samples (
        person TEXT NOT NULL, measured_at INTEGER NOT NULL, received_at INTEGER NOT NULL, source TEXT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS samples_person ON samples(person, measured_at);
      CREATE INDEX IF NOT EXISTS samples_received ON samples(received_at);
      CREATE TABLE IF NOT EXISTS rules (id TEXT PRIMARY KEY, origin TEXT NOT NULL, body TEXT NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS kv (scope TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at INTEGER NOT NULL,
        PRIMARY KEY (scope, key));
    `);
    db.prepare("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)").run(
      String(SCHEMA_VERSION),
    );
    this.db = db;
    const rows = db.prepare("SELECT rule_id, person, fired_at FROM cooldowns").all() as {
      rule_id: string;
      person: string;
      fired_at: number;
    }[];
    for (const row of rows) this.fired.set(firedKey(row.rule_id, row.person), row.fired_at);
  }

  close(): void {
    this.flushFinished();
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

  /** Claims an action key before it is executed; false means it was claimed (and maybe run) before. */
  claimAction(entry: Omit<ActionLogEntry, "result" | "detail" | "latency_ms">): boolean {
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
    return Number(res.changes) === 1;
  }

  /**
   * Records an action's result. Results are written together once per turn of the event loop: under load one
   * transaction for many rows costs what one row alone would. Reads of the log flush first.
   */
  finishAction(key: string, result: ActionResult, detail: string, latencyMs: number | null): void {
    this.finished.push([key, result, detail, latencyMs]);
    if (this.finished.length === 1) setImmediate(() => this.flushFinished());
  }

  private flushFinished(): void {
    if (this.finished.length === 0 || !this.db) return;
    const rows = this.finished;
    this.finished = [];
    const stmt = this.prepare("UPDATE action_log SET result = ?, detail = ?, latency_ms = ? WHERE key = ?");
    this.transaction(() => {
      for (const [key, result, detail, latency] of rows) stmt.run(result, detail, latency, key);
    });
  }

  /** Runs `fn` in one transaction (or inside the one already open). */
  transaction<T>(fn: () => T): T {
    if (this.inTransaction) return fn();
    this.conn.exec("BEGIN");
    this.inTransaction = true;
    try {
      const out = fn();
      this.conn.exec("COMMIT");
      return out;
    } catch (err) {
      this.conn.exec("ROLLBACK");
      throw err;
    } finally {
      this.inTransaction = false;
    }
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
    const where = [steps ? "1" : "key NOT GLOB '*:ramp-*' AND key NOT GLOB '*:fade-*'"];
    const params: SQLInputValue[] = [];
    if (person !== undefined) {
      where.push("person = ?");
      params.push(person);
    }
    return this.queryActions(`WHERE ${where.join(" AND ")} ORDER BY at DESC LIMIT ?`, [...params, limit]);
  }

  private queryActions(tail: string, params: SQLInputValue[]): ActionLogEntry[] {
    this.flushFinished();
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
    this.fired.set(firedKey(ruleId, person), at);
    this.prepare(
      "INSERT INTO cooldowns(rule_id, person, fired_at) VALUES (?, ?, ?) ON CONFLICT(rule_id, person) DO UPDATE SET fired_at = excluded.fired_at",
    ).run(ruleId, person, at);
  }

  // --- samples and retention ----------------------------------------------------------------------

  addSamples(samples: readonly Sample[]): void {
    if (samples.length === 0) return;
    const stmt = this.prepare(
      "INSERT INTO samples(person, measured_at, received_at, source, body) VALUES (?, ?, ?, ?, ?)",
    );
    this.transaction(() => {
      for (const s of samples)
        stmt.run(s.person, Math.round(s.measured_at), Math.round(s.received_at), s.source, JSON.stringify(s));
    });
  }

  samples(person: string, since: number, limit = 10_000): Sample[] {
    const rows = this.prepare(
      "SELECT body FROM samples WHERE person = ? AND measured_at >= ? ORDER BY measured_at LIMIT ?",
    ).all(person, since, limit) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as Sample);
  }

  /** Deletes raw readings received before `before`; returns how many went. */
  pruneSamples(before: number): number {
    return Number(this.prepare("DELETE FROM samples WHERE received_at < ?").run(before).changes);
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
    const docs = (
      this.prepare("SELECT scope, key, value FROM kv WHERE key = ? OR key LIKE ?").all(
        person,
        `${person}:%`,
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
    const counts: Record<string, number> = {};
    this.transaction(() => {
      counts.samples = Number(this.prepare("DELETE FROM samples WHERE person = ?").run(person).changes);
      counts.actions = Number(this.prepare("DELETE FROM action_log WHERE person = ?").run(person).changes);
      for (const key of [...this.fired.keys()])
        if (key.endsWith(firedKey("", person))) this.fired.delete(key);
      counts.cooldowns = Number(this.prepare("DELETE FROM cooldowns WHERE person = ?").run(person).changes);
      counts.documents = Number(
        this.prepare("DELETE FROM kv WHERE key = ? OR key LIKE ?").run(person, `${person}:%`).changes,
      );
    });
    return counts;
  }
}
