import { isoTime } from "./time.js";
import type { HaAttributes, HaContext, HaState } from "./types.js";

/** The simulator's own record of a state: timestamps stay numeric so both wire formats derive from it. */
export interface StoredState {
  readonly entityId: string;
  readonly state: string;
  readonly attributes: Readonly<HaAttributes>;
  readonly lastChanged: number;
  readonly lastUpdated: number;
  readonly lastReported: number;
  readonly context: Readonly<HaContext>;
}

export function toHaState(stored: StoredState): HaState {
  return {
    entity_id: stored.entityId,
    state: stored.state,
    attributes: structuredClone(stored.attributes),
    last_changed: isoTime(stored.lastChanged),
    last_reported: isoTime(stored.lastReported),
    last_updated: isoTime(stored.lastUpdated),
    context: { ...stored.context },
  };
}

export function domainOf(entityId: string): string {
  const dot = entityId.indexOf(".");
  return dot === -1 ? entityId : entityId.slice(0, dot);
}
