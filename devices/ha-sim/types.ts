import type { DeviceBehaviour } from "./behaviours.js";

/** Wire shapes Home Assistant uses for contexts, states and events (see ha-protocol.md 2.1, 2.5). */

export interface HaContext {
  id: string;
  parent_id: string | null;
  user_id: string | null;
}

export type HaAttributes = Record<string, unknown>;

/** A state as `get_states` and `state_changed` events carry it: timestamps are ISO strings. */
export interface HaState {
  entity_id: string;
  state: string;
  attributes: HaAttributes;
  last_changed: string;
  last_reported: string;
  last_updated: string;
  context: HaContext;
}

export type EventOrigin = "LOCAL" | "REMOTE";

export interface HaEvent {
  event_type: string;
  data: Record<string, unknown>;
  origin: EventOrigin;
  time_fired: string;
  context: HaContext;
}

export type CoreState = "NOT_RUNNING" | "STARTING" | "RUNNING" | "STOPPING" | "FINAL_WRITE";

export interface Location {
  latitude: number;
  longitude: number;
  time_zone: string;
  elevation: number;
}

export interface AreaEntry {
  area_id: string;
  name: string;
  floor_id?: string | null;
}

export interface FloorEntry {
  floor_id: string;
  name: string;
  /** HA orders floors by level; 0 is the ground floor, null means unknown. */
  level?: number | null;
  icon?: string | null;
  aliases?: string[];
}

export interface LabelEntry {
  label_id: string;
  name: string;
  color?: string | null;
  icon?: string | null;
  description?: string | null;
}

export interface DeviceEntry {
  id: string;
  name: string;
  area_id: string | null;
  manufacturer?: string | null;
  model?: string | null;
}

/** Seed for one entity. `device_id`/`area_id` also create its entity registry entry; `behaviour` makes the
 * device act on its own like real ones do (see behaviours.ts). */
export interface SeedEntity {
  behaviour?: DeviceBehaviour;
  entity_id: string;
  state: string;
  attributes?: HaAttributes;
  device_id?: string | null;
  area_id?: string | null;
}

/** What a scene sets one member entity to: a bare state or `{state, ...attributes}`. */
export type SceneMemberTarget = string | ({ state: string } & HaAttributes);
