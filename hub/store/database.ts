import { join } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { createPrivateFile, secureDataDir } from "./data-dir.js";
import { migrate } from "./migrations.js";

export const STORE_FILE = "calm-hub.sqlite";

const WRITE_BEHIND_MS = 200;

/**
 * One connection and its transactions, shared by the repositories. Synchronous calls: SQLite on a local disk
 * answers in microseconds, and a single writer keeps the action log and the idempotency keys consistent
 * without locks.
 */
export class Database {
  readonly path: string;
  private readonly dataDir: string;
  private db: DatabaseSync | undefined;
  // Prepared once per connection: preparing costs more than running these small statements.
  private readonly statements = new Map<string, StatementSync>();
  private inTransaction = false;
  /** The open transaction is the claims' batch (see `batched`), committed by `commitBatch`. */
  private batchOpen = false;
  private afterCommitQueue: ((committed: boolean) => void)[] = [];
  /** Repositories' written-behind rows, flushed together in one transaction. */
  private readonly behindWriters: (() => void)[] = [];
  private behindTimer: ReturnType<typeof setTimeout> | undefined;
  private behindPending = false;

  /** Told of a batched or written-behind write that could not be committed (the hub logs it). */
  onWriteError: (err: Error) => void = () => {};
  /** Told of a stored row or document that no longer fits its schema; it is skipped, never cast. */
  onInvalid: (table: string, issues: readonly { path: PropertyKey[]; message: string }[]) => void = () => {};

  constructor(dataDir: string) {
    this.dataDir = dataDir;
    this.path = dataDir === ":memory:" ? ":memory:" : join(dataDir, STORE_FILE);
  }

  /** Opens (or creates) the database and brings its schema up to date; refuses a data folder others can write to. */
  open(): void {
    if (this.db) return;
    if (this.dataDir !== ":memory:") {
      secureDataDir(this.dataDir);
      createPrivateFile(this.path);
    }
    const db = new DatabaseSync(this.path);
    try {
      db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 2000;");
      migrate(db);
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
  }

  close(): void {
    this.commitBatch();
    this.flushBehind();
    this.statements.clear();
    this.db?.close();
    this.db = undefined;
  }

  prepare(sql: string): StatementSync {
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

  /** Registers a repository's flush of its written-behind rows; it runs inside `flushBehind`'s transaction. */
  addBehindWriter(flush: () => void): void {
    this.behindWriters.push(flush);
  }

  /** Asks for a flush of the written-behind rows within WRITE_BEHIND_MS. */
  scheduleBehind(): void {
    this.behindPending = true;
    if (this.behindTimer) return;
    this.behindTimer = setTimeout(() => this.flushBehind(), WRITE_BEHIND_MS);
    this.behindTimer.unref?.();
  }

  /** Writes what is held behind now: readers that must see it call this first. */
  flushBehind(): void {
    clearTimeout(this.behindTimer);
    this.behindTimer = undefined;
    if (!this.db || !this.behindPending) return;
    this.behindPending = false;
    try {
      this.transaction(() => {
        for (const flush of this.behindWriters) flush();
      });
    } catch (err) {
      this.onWriteError(err as Error);
    }
  }

  /**
   * Writes share one transaction per turn of the event loop, committed just before the next (setImmediate): a
   * commit costs tens of microseconds whatever it holds, and under load a turn can carry several decisions.
   * This one connection sees its own uncommitted rows, so reads need no flush.
   */
  batched(write: () => void): void {
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
}

/** JSON text to a value to validate; text that is not JSON becomes undefined, which no schema here accepts. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
