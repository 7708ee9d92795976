// The observer bus: history, metrics, discovery, the live stream and the demo's narration listen here. Every
// listener belongs to an owner, so a component's stop removes all of its listeners at once and a test can
// prove none outlives it. An observer that throws is reported, never allowed to break the pipeline that
// emitted the event.

type Listener<A extends unknown[]> = (...args: A) => void;

interface Entry {
  owner: string;
  event: PropertyKey;
  fn: unknown;
}

export interface BusSubscriber<M extends { [K in keyof M]: unknown[] }> {
  on<K extends keyof M>(event: K, listener: Listener<M[K]>): () => void;
  off<K extends keyof M>(event: K, listener: Listener<M[K]>): void;
}

export class EventBus<M extends { [K in keyof M]: unknown[] }> implements BusSubscriber<M> {
  private readonly entries = new Map<PropertyKey, Entry[]>();
  private readonly onError: (owner: string, event: string, err: unknown) => void;

  constructor(onError: (owner: string, event: string, err: unknown) => void = () => {}) {
    this.onError = onError;
  }

  /** Listens as `owner` (default "anonymous"); returns the unsubscribe. */
  on<K extends keyof M>(event: K, listener: Listener<M[K]>, owner = "anonymous"): () => void {
    const list = this.entries.get(event) ?? [];
    const entry: Entry = { owner, event, fn: listener };
    list.push(entry);
    this.entries.set(event, list);
    return () => this.remove(entry);
  }

  off<K extends keyof M>(event: K, listener: Listener<M[K]>): void {
    const entry = this.entries.get(event)?.find((e) => e.fn === listener);
    if (entry) this.remove(entry);
  }

  /** A subscriber whose listeners all belong to `owner`: `bus.owner("metrics").on(...)`. */
  owner(owner: string): BusSubscriber<M> & { close(): void } {
    return {
      on: (event, listener) => this.on(event, listener, owner),
      off: (event, listener) => this.off(event, listener),
      close: () => this.removeOwner(owner),
    };
  }

  /** Removes every listener of `owner`; returns how many there were. */
  removeOwner(owner: string): number {
    let n = 0;
    for (const [event, list] of this.entries) {
      const kept = list.filter((e) => e.owner !== owner);
      n += list.length - kept.length;
      if (kept.length) this.entries.set(event, kept);
      else this.entries.delete(event);
    }
    return n;
  }

  emit<K extends keyof M>(event: K, ...args: M[K]): void {
    const list = this.entries.get(event);
    if (!list) return;
    // A copy: a listener may unsubscribe itself while the event is delivered.
    for (const e of [...list]) {
      try {
        (e.fn as Listener<M[K]>)(...args);
      } catch (err) {
        this.onError(e.owner, String(event), err);
      }
    }
  }

  /** Listeners per owner, for stop checks and the leak test. */
  owners(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const list of this.entries.values()) for (const e of list) out[e.owner] = (out[e.owner] ?? 0) + 1;
    return out;
  }

  private remove(entry: Entry): void {
    const list = this.entries.get(entry.event);
    if (!list) return;
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.entries.delete(entry.event);
  }
}
