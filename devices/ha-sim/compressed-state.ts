import { jsonEqual } from "./deep-equal.js";
import type { StoredState } from "./stored-state.js";
import { unixSeconds } from "./time.js";
import type { HaAttributes, HaContext } from "./types.js";

export type CompressedContext = string | Partial<HaContext>;

export interface CompressedState {
  s: string;
  a: HaAttributes;
  c: CompressedContext;
  lc: number;
  lu?: number;
}

export interface CompressedDiff {
  "+": { s?: string; a?: HaAttributes; c?: CompressedContext; lc?: number; lu?: number };
  "-"?: { a: string[] };
}

/** A context with no parent and no user travels as its bare id to save bytes. */
function compressContext(context: HaContext): CompressedContext {
  return context.parent_id === null && context.user_id === null ? context.id : { ...context };
}

export function compressState(state: StoredState): CompressedState {
  const compressed: CompressedState = {
    s: state.state,
    a: structuredClone(state.attributes),
    c: compressContext(state.context),
    lc: unixSeconds(state.lastChanged),
  };
  if (state.lastUpdated !== state.lastChanged) compressed.lu = unixSeconds(state.lastUpdated);
  return compressed;
}

/** Mirrors HA's `_state_diff`: only what moved, `-` only when attributes disappeared. */
export function diffStates(oldState: StoredState, newState: StoredState): CompressedDiff {
  const additions: CompressedDiff["+"] = {};
  if (oldState.state !== newState.state) additions.s = newState.state;
  if (oldState.lastChanged !== newState.lastChanged) {
    additions.lc = unixSeconds(newState.lastChanged);
  } else if (oldState.lastUpdated !== newState.lastUpdated) {
    additions.lu = unixSeconds(newState.lastUpdated);
  }
  const oldContext = oldState.context;
  const newContext = newState.context;
  if (oldContext.id !== newContext.id) {
    if (oldContext.user_id === newContext.user_id && oldContext.parent_id === newContext.parent_id) {
      additions.c = newContext.id;
    } else {
      const changed: Partial<HaContext> = { id: newContext.id };
      if (oldContext.parent_id !== newContext.parent_id) changed.parent_id = newContext.parent_id;
      if (oldContext.user_id !== newContext.user_id) changed.user_id = newContext.user_id;
      additions.c = changed;
    }
  }
  const changedAttributes: HaAttributes = {};
  let anyChanged = false;
  for (const [key, value] of Object.entries(newState.attributes)) {
    if (!Object.hasOwn(oldState.attributes, key) || !jsonEqual(oldState.attributes[key], value)) {
      changedAttributes[key] = structuredClone(value);
      anyChanged = true;
    }
  }
  if (anyChanged) additions.a = changedAttributes;
  const removed = Object.keys(oldState.attributes).filter((key) => !Object.hasOwn(newState.attributes, key));
  return removed.length > 0 ? { "+": additions, "-": { a: removed } } : { "+": additions };
}
