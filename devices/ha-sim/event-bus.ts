import type { StoredState } from "./stored-state.js";
import { isoTime, nowMs } from "./time.js";
import type { EventOrigin, HaContext, HaEvent } from "./types.js";

/** A `state_changed` event also carries the raw transition, so the compressed stream and the full
 * event are derived from the very same change. */
export interface BusEvent {
  readonly event: HaEvent;
  readonly transition?: StateTransition;
}

export interface StateTransition {
  readonly entityId: string;
  readonly oldState: StoredState | null;
  readonly newState: StoredState | null;
}

export type BusListener = (busEvent: BusEvent) => void;

export class EventBus {
  private readonly now: () => number;
  private readonly listeners = new Set<BusListener>();
  private readonly history: HaEvent[] = [];

  constructor(now: () => number = nowMs) {
    this.now = now;
  }

  fire(
    eventType: string,
    data: Record<string, unknown>,
    origin: EventOrigin,
    context: HaContext,
    transition?: StateTransition,
    timeFired: number = this.now(),
  ): HaEvent {
    const event: HaEvent = { event_type: eventType, data, origin, time_fired: isoTime(timeFired), context };
    this.history.push(event);
    const busEvent: BusEvent = transition ? { event, transition } : { event };
    // A listener may unsubscribe itself (or others) while we iterate.
    for (const listener of [...this.listeners]) {
      if (this.listeners.has(listener)) listener(busEvent);
    }
    return event;
  }

  listen(listener: BusListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get events(): readonly HaEvent[] {
    return this.history;
  }

  clearHistory(): void {
    this.history.length = 0;
  }
}
