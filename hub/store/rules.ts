import { type Database, parseJson } from "./database.js";

/** A rule as stored; the body is checked by the rule registry, which owns the rule schema. */
export interface StoredRule {
  id: string;
  origin: string;
  body: unknown;
  updated_at: number;
}

/** Rules added through the API or Node-RED, kept across restarts. */
export class Rules {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  list(): StoredRule[] {
    return this.db
      .prepare("SELECT id, origin, body, updated_at FROM rules ORDER BY id")
      .all()
      .map((r) => ({
        id: String(r.id),
        origin: String(r.origin),
        body: parseJson(String(r.body)),
        updated_at: Number(r.updated_at),
      }));
  }

  put(rule: StoredRule): void {
    this.db
      .prepare(
        "INSERT INTO rules(id, origin, body, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET origin = excluded.origin, body = excluded.body, updated_at = excluded.updated_at",
      )
      .run(rule.id, rule.origin, JSON.stringify(rule.body), rule.updated_at);
  }

  delete(id: string): boolean {
    return Number(this.db.prepare("DELETE FROM rules WHERE id = ?").run(id).changes) === 1;
  }
}
