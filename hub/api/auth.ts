/**
 * Counts failures per key in a fixed one-minute window. Only failures are counted, so a key that is blocked
 * is one that kept failing, and nothing that succeeds is ever held back by it.
 */
export class FailureLimiter {
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly hits = new Map<string, { start: number; count: number }>();

  constructor(limit: number, windowMs = 60_000) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  private current(key: string, now: number): { start: number; count: number } | undefined {
    const entry = this.hits.get(key);
    if (entry && now - entry.start < this.windowMs) return entry;
    if (entry) this.hits.delete(key);
    return undefined;
  }

  /** Whether the key has used up its failures in this window. */
  blocked(key: string, now: number): boolean {
    return (this.current(key, now)?.count ?? 0) >= this.limit;
  }

  /** Records a failure; true while the key is still within its limit (false once it is blocked). */
  fail(key: string, now: number): boolean {
    const entry = this.current(key, now);
    if (!entry) {
      // Bounded: a spread of spoofed clients cannot grow it without end.
      if (this.hits.size >= 10_000) this.hits.clear();
      this.hits.set(key, { start: now, count: 1 });
      return this.limit >= 1;
    }
    entry.count++;
    return entry.count <= this.limit;
  }
}
