import type { SQLInputValue } from "node:sqlite";
import { z } from "zod";
import { type Sample, SampleSchema } from "../core/index.js";
import { type Database, parseJson } from "./database.js";

const ChunkSchema = z.array(SampleSchema);

/** Raw readings, kept one chunk per person per flush (see the table's comment in migrations.ts). */
export class Samples {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  /** Stores readings, one chunk per person. */
  add(samples: readonly Sample[]): void {
    if (samples.length === 0) return;
    const byPerson = groupByPerson(samples);
    const stmt = this.db.prepare(
      "INSERT INTO sample_chunks(person, first_at, last_at, received_first, received_last, count, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.db.transaction(() => {
      for (const [person, list] of byPerson) {
        const r = spanOf(list);
        stmt.run(person, r.first, r.last, r.receivedFirst, r.receivedLast, list.length, JSON.stringify(list));
      }
    });
  }

  /** A person's readings measured at or after `since`, oldest first, at most `limit`. */
  list(person: string, since: number, limit = 10_000): Sample[] {
    const rows = this.db
      .prepare("SELECT body FROM sample_chunks WHERE person = ? AND last_at >= ? ORDER BY first_at")
      .all(person, Math.floor(since));
    const out: Sample[] = [];
    for (const row of rows) for (const s of this.chunk(row.body)) if (s.measured_at >= since) out.push(s);
    // Chunks overlap when readings arrive out of order.
    out.sort((a, b) => a.measured_at - b.measured_at);
    return out.length > limit ? out.slice(0, limit) : out;
  }

  /** Deletes raw readings received before `before`; returns how many went. */
  prune(before: number): number {
    return this.db.transaction(() => {
      let deleted = this.deleteChunks("received_first < ? AND received_last < ?", before, before);
      // What is left below the cut are chunks that straddle it: keep their newer readings only.
      const straddling = this.db
        .prepare("SELECT rowid AS id, count, body FROM sample_chunks WHERE received_first < ?")
        .all(before);
      for (const row of straddling) {
        const list = this.chunk(row.body);
        const kept = list.filter((s) => s.received_at >= before);
        // A chunk that no longer reads is dropped whole: it counts as what it held.
        deleted += (list.length > 0 ? list.length : Number(row.count)) - kept.length;
        this.rewriteChunk(Number(row.id), kept);
      }
      return deleted;
    });
  }

  deletePerson(person: string): number {
    return this.deleteChunks("person = ?", person);
  }

  /** A stored chunk's readings; a chunk that does not read as readings is reported and yields none. */
  private chunk(body: SQLInputValue | undefined): Sample[] {
    const parsed = ChunkSchema.safeParse(typeof body === "string" ? parseJson(body) : undefined);
    if (parsed.success) return parsed.data;
    this.db.onInvalid("sample_chunks", parsed.error.issues);
    return [];
  }

  /** Deletes the chunks that match `where`; returns how many readings they held. */
  private deleteChunks(where: string, ...params: SQLInputValue[]): number {
    const held = this.db
      .prepare(`SELECT coalesce(sum(count), 0) AS n FROM sample_chunks WHERE ${where}`)
      .get(...params);
    this.db.prepare(`DELETE FROM sample_chunks WHERE ${where}`).run(...params);
    return Number(held?.n ?? 0);
  }

  private rewriteChunk(id: number, kept: Sample[]): void {
    if (kept.length === 0) {
      this.db.prepare("DELETE FROM sample_chunks WHERE rowid = ?").run(id);
      return;
    }
    const r = spanOf(kept);
    this.db
      .prepare(
        "UPDATE sample_chunks SET first_at = ?, last_at = ?, received_first = ?, received_last = ?, count = ?, body = ? WHERE rowid = ?",
      )
      .run(r.first, r.last, r.receivedFirst, r.receivedLast, kept.length, JSON.stringify(kept), id);
  }
}

/** Readings by person, each person's in arrival order. */
export function groupByPerson(samples: readonly Sample[]): Map<string, Sample[]> {
  const byPerson = new Map<string, Sample[]>();
  for (const s of samples) {
    const list = byPerson.get(s.person);
    if (list) list.push(s);
    else byPerson.set(s.person, [s]);
  }
  return byPerson;
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
