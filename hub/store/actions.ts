import type { SQLInputValue } from "node:sqlite";
import { z } from "zod";
import { ActionCauseSchema, type ActionResult, ActionResultSchema } from "../core/index.js";
import { type Database, parseJson } from "./database.js";

export type { ActionResult } from "../core/index.js";

const TriggerSchema = z.object({
  score: z.number(),
  level: z.string(),
  at: z.number(),
  reading_id: z.string().optional(),
  /** What set it off (absent in entries from before causes were logged). */
  cause: ActionCauseSchema.optional(),
});
const CallSchema = z.object({
  domain: z.string(),
  service: z.string(),
  target: z.unknown().optional(),
  data: z.unknown().optional(),
});

export interface ActionLogEntry {
  key: string;
  at: number;
  rule_id: string;
  person: string;
  /** The reading the decision saw: score, level, reading time and id; `cause`, what set it off (newer entries). */
  trigger: z.infer<typeof TriggerSchema>;
  call: z.infer<typeof CallSchema>;
  /** "pending" while claimed and not yet answered. */
  result: ActionResult | "pending";
  detail: string;
  latency_ms: number | null;
}

export type ActionClaim = Omit<ActionLogEntry, "result" | "detail" | "latency_ms">;

const RowSchema = z.object({
  key: z.string(),
  at: z.number(),
  rule_id: z.string(),
  person: z.string(),
  trigger_json: z.string(),
  call_json: z.string(),
  result: z.union([ActionResultSchema, z.literal("pending")]),
  detail: z.string(),
  latency_ms: z.number().nullable(),
});

/** Volume ramp and fade steps: one log entry per step of an episode, not decisions of a rule. */
const NOT_A_STEP = "key NOT GLOB '*:ramp-*' AND key NOT GLOB '*:fade-*'";

/**
 * The action log, whose primary key is the idempotency key: a claim is the row inserted before the call, and
 * the result is written onto it afterwards (behind, see `finish`).
 */
export class ActionLog {
  private readonly db: Database;
  /**
   * Results are written behind: they guard against nothing (the claim does, and it is committed before the
   * call), so a crash costs at most a result recorded as "pending" and later "dropped".
   */
  private behind: [string, ActionResult, string, number | null][] = [];

  constructor(db: Database) {
    this.db = db;
    db.addBehindWriter(() => this.flush());
  }

  /**
   * Claims an action key before it is executed; false means it was claimed (and maybe run) before. The claim is
   * durable only once committed: run the action from `Store.afterCommit`.
   */
  claim(entry: ActionClaim): boolean {
    let claimed = false;
    this.db.batched(() => {
      const res = this.db
        .prepare(
          "INSERT OR IGNORE INTO action_log(key, at, rule_id, person, trigger_json, call_json, result, detail, latency_ms) VALUES (?, ?, ?, ?, ?, ?, 'pending', '', NULL)",
        )
        .run(
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
  finish(key: string, result: ActionResult, detail: string, latencyMs: number | null): void {
    this.behind.push([key, result, detail, latencyMs]);
    this.db.scheduleBehind();
  }

  private flush(): void {
    if (this.behind.length === 0) return;
    const results = this.behind;
    this.behind = [];
    const finish = this.db.prepare(
      "UPDATE action_log SET result = ?, detail = ?, latency_ms = ? WHERE key = ?",
    );
    for (const [key, result, detail, latency] of results) finish.run(result, detail, latency, key);
  }

  /** Actions claimed but never finished: the hub died between claiming and Home Assistant's answer. */
  pending(): ActionLogEntry[] {
    return this.query("WHERE result = 'pending' ORDER BY at", []);
  }

  /**
   * Newest first. Volume ramp and fade steps (one log entry per step) are left out unless asked for: the
   * question the log answers is "why did my room change", not "how many steps did the fade take".
   */
  recent(limit = 50, person?: string, steps = false): ActionLogEntry[] {
    const where = [steps ? "1" : NOT_A_STEP];
    const params: SQLInputValue[] = [];
    if (person !== undefined) {
      where.push("person = ?");
      params.push(person);
    }
    return this.query(`WHERE ${where.join(" AND ")} ORDER BY at DESC LIMIT ?`, [...params, limit]);
  }

  /** The time each rule last claimed an action for each person: what cooldowns are rebuilt from. */
  lastClaims(): { rule_id: string; person: string; at: number }[] {
    const rows = this.db
      .prepare(
        `SELECT rule_id, person, max(at) AS at FROM action_log WHERE ${NOT_A_STEP} GROUP BY rule_id, person`,
      )
      .all();
    return rows.map((r) => ({ rule_id: String(r.rule_id), person: String(r.person), at: Number(r.at) }));
  }

  /** Deletes finished entries older than `before`; pending claims stay, the restart recovery needs them. */
  prune(before: number): number {
    return Number(
      this.db.prepare("DELETE FROM action_log WHERE at < ? AND result != 'pending'").run(before).changes,
    );
  }

  forPerson(person: string): ActionLogEntry[] {
    return this.query("WHERE person = ? ORDER BY at", [person]);
  }

  deletePerson(person: string): number {
    this.db.flushBehind();
    return Number(this.db.prepare("DELETE FROM action_log WHERE person = ?").run(person).changes);
  }

  private query(tail: string, params: SQLInputValue[]): ActionLogEntry[] {
    this.db.flushBehind();
    const out: ActionLogEntry[] = [];
    for (const raw of this.db.prepare(`SELECT * FROM action_log ${tail}`).all(...params)) {
      const row = RowSchema.safeParse(raw);
      const trigger = row.success ? TriggerSchema.safeParse(parseJson(row.data.trigger_json)) : undefined;
      const call = row.success ? CallSchema.safeParse(parseJson(row.data.call_json)) : undefined;
      if (!row.success || !trigger?.success || !call?.success) {
        // One damaged entry must not hide the rest of the log.
        this.db.onInvalid("action_log", (row.error ?? trigger?.error ?? call?.error)?.issues ?? []);
        continue;
      }
      out.push({
        key: row.data.key,
        at: row.data.at,
        rule_id: row.data.rule_id,
        person: row.data.person,
        trigger: trigger.data,
        call: call.data,
        result: row.data.result,
        detail: row.data.detail,
        latency_ms: row.data.latency_ms,
      });
    }
    return out;
  }
}
