import type { Logger } from "./logger.js";
import { withTimeout } from "./timeout.js";

/** Anything with a connection or a timer: started in order, stopped in reverse by one list. */
export interface Component {
  readonly name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** A component from two functions, for wiring that is not a class of its own (timers, subscriptions). */
export function component(
  name: string,
  start: () => void | Promise<void>,
  stop: () => void | Promise<void>,
): Component {
  return { name, start, stop };
}

/** Collects unsubscribe functions and calls them all once: what a component's stop uses for its `on*` calls. */
export class Subscriptions {
  private offs: (() => unknown)[] = [];

  add(off: () => unknown): void {
    this.offs.push(off);
  }

  get size(): number {
    return this.offs.length;
  }

  clear(): void {
    for (const off of this.offs.splice(0).reverse()) off();
  }
}

const STOP_TIMEOUT_MS = 5_000;

/**
 * Starts components in the given order and stops the started ones in reverse: a failure while starting
 * stops what already runs, and each stop is bounded so one stuck peer cannot hold the rest.
 */
export class Lifecycle {
  private readonly started: Component[] = [];
  private readonly logger: Logger;
  private readonly stopTimeoutMs: number;

  constructor(logger: Logger, stopTimeoutMs = STOP_TIMEOUT_MS) {
    this.logger = logger;
    this.stopTimeoutMs = stopTimeoutMs;
  }

  get running(): readonly string[] {
    return this.started.map((c) => c.name);
  }

  async start(components: readonly Component[]): Promise<void> {
    try {
      for (const c of components) {
        await c.start();
        this.started.push(c);
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    while (this.started.length > 0) {
      const c = this.started.pop();
      if (!c) break;
      try {
        await withTimeout(
          Promise.resolve().then(() => c.stop()),
          this.stopTimeoutMs,
          () => new Error(`${c.name} did not stop within ${this.stopTimeoutMs} ms`),
        );
      } catch (err) {
        this.logger.error(
          { component: "hub", step: c.name, err: (err as Error).message },
          "stop step failed",
        );
      }
    }
  }
}
