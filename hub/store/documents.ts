import type { SQLInputValue } from "node:sqlite";
import type { z } from "zod";
import { type Database, parseJson } from "./database.js";

/**
 * A person's documents: the key is the person, or starts with "<person>:". Compared as plain text, not with LIKE
 * or GLOB, where `_`, `%`, `*` in a person id are wildcards (deleting "al_ce" would delete "alice"'s documents).
 * Parameters: the person, then "<person>:".
 */
const PERSON_KEY = "(key = ?1 OR substr(key, 1, length(?2)) = ?2)";
/** Only documents under "<person>:" (the parameter), for listing one person's records of a scope. */
const UNDER_PERSON = "substr(key, 1, length(?)) = ?";

export interface ListOptions {
  /** Only the keys "<person>:…". */
  person?: string | undefined;
  /** Newest `at` first (default: by key). */
  newestFirst?: boolean;
  limit?: number;
}

/**
 * Small JSON documents by scope and key (baselines, episodes, wind-down progress, friend suggestions,
 * settings). Each is read through the schema its owner gives: one that no longer fits is reported and read
 * as absent, never cast. `at` is the document's own time (an episode's start) for listing and retention;
 * it defaults to when it was written.
 */
export class Documents {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  get<T>(scope: string, key: string, schema: z.ZodType<T>): T | undefined {
    const row = this.db.prepare("SELECT value FROM kv WHERE scope = ? AND key = ?").get(scope, key);
    return row ? this.read(scope, row.value, schema) : undefined;
  }

  put(scope: string, key: string, value: unknown, updatedAt: number, at = updatedAt): void {
    this.db
      .prepare(
        "INSERT INTO kv(scope, key, value, updated_at, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, at = excluded.at",
      )
      .run(scope, key, JSON.stringify(value), updatedAt, Math.floor(at));
  }

  delete(scope: string, key: string): void {
    this.db.prepare("DELETE FROM kv WHERE scope = ? AND key = ?").run(scope, key);
  }

  /** A scope's documents that fit `schema`; only the rows asked for are read and parsed. */
  list<T>(scope: string, schema: z.ZodType<T>, options: ListOptions = {}): { key: string; value: T }[] {
    const where = ["scope = ?"];
    const params: SQLInputValue[] = [scope];
    if (options.person !== undefined) {
      where.push(UNDER_PERSON);
      params.push(`${options.person}:`, `${options.person}:`);
    }
    const order = options.newestFirst ? "at DESC, key" : "key";
    const limit = options.limit === undefined ? "" : " LIMIT ?";
    if (options.limit !== undefined) params.push(options.limit);
    const rows = this.db
      .prepare(`SELECT key, value FROM kv WHERE ${where.join(" AND ")} ORDER BY ${order}${limit}`)
      .all(...params);
    const out: { key: string; value: T }[] = [];
    for (const row of rows) {
      const value = this.read(scope, row.value, schema);
      if (value !== undefined) out.push({ key: String(row.key), value });
    }
    return out;
  }

  /** Deletes a scope's documents whose time and last write are both before `before`; returns how many. */
  prune(scope: string, before: number): number {
    return Number(
      this.db
        .prepare("DELETE FROM kv WHERE scope = ? AND at < ? AND updated_at < ?")
        .run(scope, before, before).changes,
    );
  }

  /** Every document of the person, in any scope, as stored (the export shows them as they are). */
  forPerson(person: string): { scope: string; key: string; value: unknown }[] {
    return this.db
      .prepare(`SELECT scope, key, value FROM kv WHERE ${PERSON_KEY} ORDER BY scope, key`)
      .all(person, `${person}:`)
      .map((d) => ({ scope: String(d.scope), key: String(d.key), value: parseJson(String(d.value)) }));
  }

  deletePerson(person: string): number {
    return Number(this.db.prepare(`DELETE FROM kv WHERE ${PERSON_KEY}`).run(person, `${person}:`).changes);
  }

  private read<T>(scope: string, value: SQLInputValue | undefined, schema: z.ZodType<T>): T | undefined {
    const parsed = schema.safeParse(typeof value === "string" ? parseJson(value) : undefined);
    if (parsed.success) return parsed.data;
    this.db.onInvalid(`kv:${scope}`, parsed.error.issues);
    return undefined;
  }
}
