import type { Database } from "./database.js";

function firedKey(ruleId: string, person: string): string {
  return `${ruleId}\u0000${person}`;
}

/**
 * When each rule last fired for each person. Read on every decision, so kept in memory and written behind:
 * a cooldown lost with a crash is rebuilt from the action claims, which are committed before their call.
 */
export class Cooldowns {
  private readonly db: Database;
  private readonly fired = new Map<string, number>();
  private readonly behind = new Map<string, [string, string, number]>();

  constructor(db: Database) {
    this.db = db;
    db.addBehindWriter(() => this.flush());
  }

  /** Loads the stored cooldowns, raised to the claims' times where a claim is newer. */
  load(claims: readonly { rule_id: string; person: string; at: number }[]): void {
    this.fired.clear();
    for (const row of this.db.prepare("SELECT rule_id, person, fired_at FROM cooldowns").all())
      this.fired.set(firedKey(String(row.rule_id), String(row.person)), Number(row.fired_at));
    for (const c of claims) {
      const key = firedKey(c.rule_id, c.person);
      if (c.at > (this.fired.get(key) ?? Number.NEGATIVE_INFINITY)) this.fired.set(key, c.at);
    }
  }

  clear(): void {
    this.fired.clear();
  }

  lastFired(ruleId: string, person: string): number | undefined {
    return this.fired.get(firedKey(ruleId, person));
  }

  recordFired(ruleId: string, person: string, at: number): void {
    const key = firedKey(ruleId, person);
    this.fired.set(key, at);
    this.behind.set(key, [ruleId, person, at]);
    this.db.scheduleBehind();
  }

  private flush(): void {
    if (this.behind.size === 0) return;
    const rows = [...this.behind.values()];
    this.behind.clear();
    const upsert = this.db.prepare(
      "INSERT INTO cooldowns(rule_id, person, fired_at) VALUES (?, ?, ?) ON CONFLICT(rule_id, person) DO UPDATE SET fired_at = excluded.fired_at",
    );
    for (const [rule, person, at] of rows) upsert.run(rule, person, at);
  }

  forPerson(person: string): { rule_id: string; fired_at: number }[] {
    this.db.flushBehind();
    return this.db
      .prepare("SELECT rule_id, fired_at FROM cooldowns WHERE person = ?")
      .all(person)
      .map((r) => ({ rule_id: String(r.rule_id), fired_at: Number(r.fired_at) }));
  }

  deletePerson(person: string): number {
    this.db.flushBehind();
    const suffix = firedKey("", person);
    for (const key of [...this.fired.keys()]) if (key.endsWith(suffix)) this.fired.delete(key);
    return Number(this.db.prepare("DELETE FROM cooldowns WHERE person = ?").run(person).changes);
  }
}
