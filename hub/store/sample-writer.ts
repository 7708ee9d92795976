import type { Sample } from "../core/index.js";
import { groupByPerson, type Samples } from "./samples.js";

/** About a millisecond or two of JSON and SQLite per turn of the event loop. */
const SLICE_SAMPLES = 1_000;

/**
 * Writes a second's buffered readings in slices, one turn of the event loop each. At 10,000 readings a
 * second one write of the whole batch held the loop for tens of milliseconds, and every reading that arrived
 * meanwhile waited: that was the hub's p99. A person's readings of one batch stay in one slice, so the store
 * still gets one chunk per person per flush.
 */
export class SampleWriter {
  private readonly samples: Pick<Samples, "add">;
  private readonly onError: (err: unknown, count: number) => void;
  private pending: Sample[][] = [];
  private scheduled: NodeJS.Immediate | undefined;

  constructor(samples: Pick<Samples, "add">, onError: (err: unknown, count: number) => void) {
    this.samples = samples;
    this.onError = onError;
  }

  /** Queues a batch; it is written over the next turns. */
  write(batch: readonly Sample[]): void {
    if (batch.length === 0) return;
    let slice: Sample[] = [];
    for (const list of groupByPerson(batch).values()) {
      if (slice.length > 0 && slice.length + list.length > SLICE_SAMPLES) {
        this.pending.push(slice);
        slice = [];
      }
      for (const s of list) slice.push(s);
    }
    if (slice.length > 0) this.pending.push(slice);
    this.schedule();
  }

  /** Writes everything still queued, now (on stop). */
  drain(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    while (this.pending.length > 0) this.writeOne();
  }

  /** Per-person delete: nothing of theirs is written after it. */
  forget(person: string): void {
    this.pending = this.pending
      .map((slice) => slice.filter((s) => s.person !== person))
      .filter((s) => s.length);
  }

  private schedule(): void {
    if (this.scheduled || this.pending.length === 0) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.writeOne();
      this.schedule();
    });
  }

  private writeOne(): void {
    const slice = this.pending.shift();
    if (!slice) return;
    try {
      this.samples.add(slice);
    } catch (err) {
      this.onError(err, slice.length);
    }
  }
}
