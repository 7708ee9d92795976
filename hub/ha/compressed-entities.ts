import type { HassEntities, HassEntity } from "home-assistant-js-websocket";

/** Home Assistant's compressed state (`subscribe_entities`): s state, a attributes, c context, lc/lu times. */
interface CompressedState {
  s?: string;
  a?: Record<string, unknown>;
  c?: string | { id?: string; parent_id?: string | null; user_id?: string | null };
  lc?: number;
  lu?: number;
}

export interface CompressedEvent {
  a?: Record<string, CompressedState>;
  c?: Record<string, { "+"?: CompressedState; "-"?: { a?: string[] } }>;
  r?: string[];
}

const iso = (seconds: number | undefined): string => new Date((seconds ?? 0) * 1000).toISOString();

function context(c: CompressedState["c"], previous?: HassEntity["context"]): HassEntity["context"] {
  if (typeof c === "string")
    return { id: c, parent_id: previous?.parent_id ?? null, user_id: previous?.user_id ?? null };
  return {
    id: c?.id ?? previous?.id ?? "",
    parent_id: c?.parent_id !== undefined ? (c.parent_id ?? null) : (previous?.parent_id ?? null),
    user_id: c?.user_id !== undefined ? (c.user_id ?? null) : (previous?.user_id ?? null),
  };
}

/**
 * Applies one compressed entity event to `entities` in place and returns the entities it changed. `replace`
 * treats an `a` event as the whole picture (the first snapshot after a reconnect), so entities removed while
 * the hub was away do not linger.
 */
export function applyCompressed(
  entities: HassEntities,
  event: CompressedEvent,
  replace: boolean,
): HassEntity[] {
  const changed: HassEntity[] = [];
  if (event.a) {
    if (replace) for (const id of Object.keys(entities)) if (!(id in event.a)) delete entities[id];
    for (const [id, st] of Object.entries(event.a)) {
      const entity: HassEntity = {
        entity_id: id,
        state: st.s ?? "unknown",
        attributes: (st.a ?? {}) as HassEntity["attributes"],
        context: context(st.c),
        last_changed: iso(st.lc),
        last_updated: iso(st.lu ?? st.lc),
      };
      entities[id] = entity;
      changed.push(entity);
    }
  }
  if (event.c) {
    for (const [id, diff] of Object.entries(event.c)) {
      const old = entities[id];
      if (!old) continue;
      const plus = diff["+"] ?? {};
      const attributes: Record<string, unknown> = { ...old.attributes, ...(plus.a ?? {}) };
      for (const key of diff["-"]?.a ?? []) delete attributes[key];
      const entity: HassEntity = {
        ...old,
        state: plus.s ?? old.state,
        attributes: attributes as HassEntity["attributes"],
        context: plus.c === undefined ? old.context : context(plus.c, old.context),
        last_changed: plus.lc !== undefined ? iso(plus.lc) : old.last_changed,
        last_updated:
          plus.lc !== undefined ? iso(plus.lc) : plus.lu !== undefined ? iso(plus.lu) : old.last_updated,
      };
      entities[id] = entity;
      changed.push(entity);
    }
  }
  for (const id of event.r ?? []) delete entities[id];
  return changed;
}
