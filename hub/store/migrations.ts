import type { DatabaseSync } from "node:sqlite";
import { HubError } from "../core/index.js";

/**
 * The store's schema, one numbered step at a time. The version lives in SQLite's `user_version`; a database
 * from before numbered migrations reads 0 (its `meta.schema_version` was written but never read), so step 1
 * is written to accept both an empty file and any store those versions left behind.
 *
 * Add a step at the end; never edit one that has shipped.
 */
const MIGRATIONS: readonly { name: string; up: (db: DatabaseSync) => void }[] = [
  {
    name: "tables of the first release",
    up: (db) => {
      db.exec(`
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS action_log (
          key TEXT PRIMARY KEY, at INTEGER NOT NULL, rule_id TEXT NOT NULL, person TEXT NOT NULL,
          trigger_json TEXT NOT NULL, call_json TEXT NOT NULL, result TEXT NOT NULL, detail TEXT NOT NULL,
          latency_ms INTEGER
        );
        CREATE INDEX IF NOT EXISTS action_log_person ON action_log(person, at);
        DROP INDEX IF EXISTS action_log_at;
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
        CREATE TABLE IF NOT EXISTS rules (
          id TEXT PRIMARY KEY, origin TEXT NOT NULL, body TEXT NOT NULL, updated_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS kv (
          scope TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at INTEGER NOT NULL,
          PRIMARY KEY (scope, key)
        );
      `);
      // The earliest stores kept one row per reading: fold them into chunks.
      if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'samples'").get()) {
        db.exec(`
          INSERT INTO sample_chunks(person, first_at, last_at, received_first, received_last, count, body)
            SELECT person, measured_at, measured_at, received_at, received_at, 1, '[' || body || ']'
            FROM samples ORDER BY rowid;
          DROP TABLE samples;
        `);
      }
    },
  },
  {
    name: "documents carry a time, indexed, for listing newest first and for retention",
    up: (db) => {
      db.exec(`
        ALTER TABLE kv ADD COLUMN at INTEGER NOT NULL DEFAULT 0;
        UPDATE kv SET at = CASE
          WHEN scope = 'episode' AND json_valid(value) AND json_type(value, '$.started_at') IN ('integer', 'real')
            THEN CAST(json_extract(value, '$.started_at') AS INTEGER)
          ELSE updated_at END;
        CREATE INDEX kv_scope_at ON kv(scope, at);
        DELETE FROM meta WHERE key = 'schema_version';
      `);
    },
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare("PRAGMA user_version").get() as { user_version?: unknown } | undefined;
  return Number(row?.user_version ?? 0);
}

/**
 * Applies the pending steps in one transaction (a failure leaves the file as it was) and refuses a database
 * written by a newer version: its tables may mean something this code does not know.
 */
export function migrate(db: DatabaseSync): { from: number; to: number } {
  const from = schemaVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new HubError(
      "CALM_ERR_STORE_VERSION",
      `the store was written by a newer Calm Hub (schema version ${from}; this version knows up to ` +
        `${SCHEMA_VERSION}): run the newer version, or restore a backup of the data folder`,
    );
  }
  if (from === SCHEMA_VERSION) return { from, to: from };
  db.exec("BEGIN IMMEDIATE");
  try {
    for (let v = from; v < SCHEMA_VERSION; v++) MIGRATIONS[v]?.up(db);
    // user_version is part of the database header, so it commits (or rolls back) with the steps.
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec("COMMIT");
  } catch (err) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw err;
  }
  return { from, to: SCHEMA_VERSION };
}
