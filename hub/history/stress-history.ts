import type { StressLevel, StressState } from "../core/index.js";

/** One minute (by default) of a person's stress estimates. */
export interface StressBucket {
  /** Start of the bucket, epoch ms. */
  t: number;
  /** Mean score of the estimates in the bucket. */
  mean: number;
  max: number;
  /** The level of the last estimate in the bucket. */
  level: StressLevel;
  n: number;
}

export interface StressHistoryOptions {
  /** Bucket width; default one minute. */
  resolutionMs?: number;
  /** How far back to keep; default 24 hours. */
  spanMs?: number;
}

const LEVEL_RANK: Record<StressLevel, number> = { calm: 0, elevated: 1, high: 2 };

/**
 * Recent stress estimates per person, in memory only: a bounded ring of fixed-width buckets (24 h at one
 * minute = 1440 per person). Raw readings live in the store; scores are derived and cheap to lose on restart.
 */
export class StressHistory {
  readonly resolutionMs: number;
  readonly spanMs: number;
  private readonly capacity: number;
  private readonly byPerson = new Map<string, StressBucket[]>();

  constructor(options: StressHistoryOptions = {}) {
    this.resolutionMs = options.resolutionMs ?? 60_000;
    this.spanMs = options.spanMs ?? 86_400_000;
    this.capacity = Math.max(1, Math.ceil(this.spanMs / this.resolutionMs));
  }

  record(state: Pick<StressState, "person" | "score" | "level" | "at">): void {
    if (!Number.isFinite(state.at) || !Number.isFinite(state.score)) return;
    const t = Math.floor(state.at / this.resolutionMs) * this.resolutionMs;
    let ring = this.byPerson.get(state.person);
    if (!ring) {
      ring = [];
      this.byPerson.set(state.person, ring);
    }
    const last = ring[ring.length - 1];
    if (!last || t > last.t) {
      ring.push({ t, mean: state.score, max: state.score, level: state.level, n: 1 });
      if (ring.length > this.capacity) ring.splice(0, ring.length - this.capacity);
      // Drop buckets that fell out of the span (a long gap in readings).
      const oldest = t - this.spanMs;
      let cut = 0;
      while (cut < ring.length && (ring[cut]?.t ?? 0) <= oldest) cut++;
      if (cut > 0) ring.splice(0, cut);
      return;
    }
    // A late reading: merge into its bucket if we still have it, else it is too old to matter here.
    const bucket = t === last.t ? last : findBucket(ring, t);
    if (!bucket) return;
    bucket.mean = (bucket.mean * bucket.n + state.score) / (bucket.n + 1);
    bucket.max = Math.max(bucket.max, state.score);
    bucket.n++;
    if (bucket === last) bucket.level = state.level;
  }

  /** Buckets from `since` (inclusive) on, oldest first. */
  buckets(person: string, since = Number.NEGATIVE_INFINITY): StressBucket[] {
    const ring = this.byPerson.get(person) ?? [];
    return ring.filter((b) => b.t + this.resolutionMs > since).map((b) => ({ ...b }));
  }

  /**
   * Downsamples [from, to) into `points` equal slots: mean weighted by count, max, and the highest level seen.
   * Empty slots are null, so a chart shows a gap instead of inventing a line.
   */
  series(
    person: string,
    from: number,
    to: number,
    points: number,
  ): ({ mean: number; max: number; level: StressLevel; n: number } | null)[] {
    const width = (to - from) / points;
    const out: ({ mean: number; max: number; level: StressLevel; n: number } | null)[] = Array.from(
      { length: points },
      () => null,
    );
    if (!(width > 0)) return out;
    for (const b of this.byPerson.get(person) ?? []) {
      if (b.t < from || b.t >= to) continue;
      const i = Math.min(points - 1, Math.floor((b.t - from) / width));
      const slot = out[i];
      if (!slot) {
        out[i] = { mean: b.mean, max: b.max, level: b.level, n: b.n };
        continue;
      }
      slot.mean = (slot.mean * slot.n + b.mean * b.n) / (slot.n + b.n);
      slot.max = Math.max(slot.max, b.max);
      if (LEVEL_RANK[b.level] > LEVEL_RANK[slot.level]) slot.level = b.level;
      slot.n += b.n;
    }
    return out;
  }

  people(): string[] {
    return [...this.byPerson.keys()];
  }

  /** Per-person delete. */
  forget(person: string): void {
    this.byPerson.delete(person);
  }
}

function findBucket(ring: StressBucket[], t: number): StressBucket | undefined {
  let lo = 0;
  let hi = ring.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = ring[mid];
    if (!b) return undefined;
    if (b.t === t) return b;
    if (b.t < t) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}
