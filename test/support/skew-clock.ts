import { type Cancel, type Clock, systemClock } from "../../hub/core/index.js";

/** Real time plus an offset the test can jump forward: sockets keep their real timers, rules see the jump. */
export class SkewClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  setTimeout(fn: () => void, ms: number): Cancel {
    return systemClock.setTimeout(fn, ms);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
