import { jsonEqual } from "./deep-equal.js";
import type { EventBus } from "./event-bus.js";
import { type StoredState, toHaState } from "./stored-state.js";
import { nowMs } from "./time.js";
import type { HaAttributes, HaContext } from "./types.js";

/** Holds every entity state and announces each transition as a `state_changed` event. */
export class StateMachine {
  private readonly states = new Map<string, StoredState>();
  private readonly bus: EventBus;
  private readonly now: () => number;

  constructor(bus: EventBus, now: () => number = nowMs) {
    this.bus = bus;
    this.now = now;
  }

  get(entityId: string): StoredState | undefined {
    return this.states.get(entityId);
  }

  has(entityId: string): boolean {
    return this.states.has(entityId);
  }

  all(): StoredState[] {
    return [...this.states.values()];
  }

  ids(): string[] {
    return [...this.states.keys()];
  }

  /** Like `hass.states.async_set`: an identical write only moves `last_reported` and fires nothing. */
  set(entityId: string, state: string, attributes: HaAttributes, context: HaContext): StoredState {
    const now = this.now();
    const old = this.states.get(entityId);
    if (old && old.state === state && jsonEqual(old.attributes, attributes)) {
      const reported: StoredState = { ...old, lastReported: now };
      this.states.set(entityId, reported);
      return reported;
    }
    const lastChanged = old && old.state === state ? old.lastChanged : now;
    const next: StoredState = {
      entityId,
      state,
      attributes: structuredClone(attributes),
      lastChanged,
      lastUpdated: now,
      lastReported: now,
      context: { ...context },
    };
    this.states.set(entityId, next);
    this.announce(entityId, old ?? null, next, context, now);
    return next;
  }

  remove(entityId: string, context: HaContext): boolean {
    const old = this.states.get(entityId);
    if (!old) return false;
    this.states.delete(entityId);
    this.announce(entityId, old, null, context, this.now());
    return true;
  }

  private announce(
    entityId: string,
    oldState: StoredState | null,
    newState: StoredState | null,
    context: HaContext,
    now: number,
  ): void {
    this.bus.fire(
      "state_changed",
      {
        entity_id: entityId,
        old_state: oldState ? toHaState(oldState) : null,
        new_state: newState ? toHaState(newState) : null,
      },
      "LOCAL",
      context,
      { entityId, oldState, newState },
      now,
    );
  }
}
