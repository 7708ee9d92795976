/**
 * The one decision "did a person take this entity over?", for calm episodes and wind-downs alike.
 *
 * Real Home Assistant does not tag every consequence of a hub call with the hub's context: it keeps a call's
 * context on an entity for 5 s only, so a light that reports its faded-in value later, a polled integration, or
 * a speaker updating its play position arrives with a fresh context. A context alone therefore never proves a
 * hand was at work; what counts is whether the values the hub cares about left what it commanded.
 */

export interface ContextLike {
  id: string;
  parent_id?: string | null;
  user_id: string | null;
}

export interface ReportedState {
  state: string;
  attributes: Record<string, unknown>;
  context: ContextLike;
}

/** One commanded value: `from` holds what the entity showed when commanded (and the starts and targets of
 * steps still under way before it); until `band_until` (transition plus a margin) a report anywhere between
 * those and `target` is the change still under way. */
export interface KeyExpectation {
  target: unknown;
  from: unknown[];
  band_until: number;
}

/** Commanded values per compared key (`state`, `brightness`, `volume_level`, ...). */
export type Expectation = Readonly<Record<string, KeyExpectation>>;

/**
 * Where a context comes from. `hub`: a call of the hub. `hub_descendant`: its `parent_id` chains to one (an
 * automation reacting to the hub's change). `device`: fresh, no user and no parent (an integration writing a
 * report, a poll, a restart; also a physical switch). `actor`: a user (the app, a dashboard; whoever it is,
 * the token's owner included) or an automation started by something other than the hub.
 */
export type ContextOrigin = "hub" | "hub_descendant" | "device" | "actor";

export interface OverrideInput {
  entity_id: string;
  current: ReportedState;
  /** The state the hub saw before this one; undefined for the first sighting. */
  previous: ReportedState | undefined;
  expectation: Expectation | undefined;
  origin: ContextOrigin;
  now: number;
}

export type OverrideVerdict =
  | {
      override: false;
      why:
        | "hub_context"
        | "unavailable"
        | "back_from_unavailable"
        | "matches_command"
        | "nothing_that_counts";
    }
  | { override: true; why: "person_changed_it" | "departs_from_command"; key: string };

const UNAVAILABLE = new Set(["unavailable", "unknown"]);

/** The values that say what a light or a speaker is doing; everything else (media position, title, artwork,
 * derived colour coordinates) never counts. */
export function comparedKeys(entityId: string, state: ReportedState): string[] {
  if (entityId.startsWith("light.")) {
    const keys = ["state", "brightness", "color_temp_kelvin"];
    const mode = state.attributes.color_mode;
    if (typeof mode === "string" && mode !== "color_temp") keys.push("hs_color", "xy_color", "rgb_color");
    return keys;
  }
  if (entityId.startsWith("media_player.")) return ["state", "volume_level", "is_volume_muted", "source"];
  return ["state"];
}

function reported(state: ReportedState, key: string): unknown {
  return key === "state" ? state.state : state.attributes[key];
}

/** How far apart two reports may be and still be the same value: device rounding and unit conversions. */
function tolerance(key: string): number {
  switch (key) {
    case "brightness":
      return 3; // of 255: pct rounding, 254-max bulbs, an off-by-one echo
    case "volume_level":
      return 0.02; // players with 1/100 or 1/64 volume steps
    case "hs_color":
      return 2;
    case "rgb_color":
      return 4;
    case "xy_color":
      return 0.01;
    default:
      return 0;
  }
}

function mireds(kelvin: number): number {
  return 1_000_000 / kelvin;
}

/** Same value within the key's tolerance (colour temperature compared in mireds, as bulbs round it). */
export function sameValue(key: string, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") {
    if (key === "color_temp_kelvin") return a > 0 && b > 0 && Math.abs(mireds(a) - mireds(b)) <= 3;
    return Math.abs(a - b) <= tolerance(key) + 1e-9;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length)
    return a.every((x, i) => sameValue(key, x, b[i]));
  return false;
}

/** Between the start(s) and `target` (inclusive, with tolerance): a fade or ramp still under way. */
function inBand(key: string, value: unknown, from: readonly unknown[], target: unknown): boolean {
  const ends = [...from, target];
  if (ends.some((end) => sameValue(key, value, end))) return true;
  const numbers = ends.filter((end): end is number => typeof end === "number");
  if (typeof value === "number" && typeof target === "number" && numbers.length > 1) {
    const t = tolerance(key) + (key === "color_temp_kelvin" ? Math.abs(target) * 0.01 : 0);
    return value >= Math.min(...numbers) - t && value <= Math.max(...numbers) + t;
  }
  return false;
}

/** Attributes of a light mean nothing while it is off (HA reports them as null). */
function applies(entityId: string, key: string, state: ReportedState): boolean {
  if (key === "state") return true;
  if (entityId.startsWith("light.")) return state.state === "on";
  return reported(state, key) !== undefined;
}

/**
 * Whether this reported change is a person taking the entity over. Pure: the caller supplies what the hub
 * commanded, what it saw before and where the context comes from.
 */
export function isOverride(input: OverrideInput): OverrideVerdict {
  const { entity_id, current, previous, expectation, origin, now } = input;
  if (UNAVAILABLE.has(current.state)) return { override: false, why: "unavailable" };
  // Coming back after an HA restart or a device dropping off the network: the hub waits and carries on.
  if (previous && UNAVAILABLE.has(previous.state)) return { override: false, why: "back_from_unavailable" };
  if (origin === "hub" || origin === "hub_descendant") return { override: false, why: "hub_context" };

  let matched = false;
  for (const key of comparedKeys(entity_id, current)) {
    if (!applies(entity_id, key, current)) continue;
    const value = reported(current, key);
    const expected = expectation?.[key];
    if (expected) {
      if (sameValue(key, value, expected.target)) {
        matched = true;
        continue;
      }
      // A device reporting part of the way there; a person's own change never is "part of the way".
      if (
        origin === "device" &&
        now <= expected.band_until &&
        inBand(key, value, expected.from, expected.target)
      )
        continue;
      return {
        override: true,
        why: origin === "actor" ? "person_changed_it" : "departs_from_command",
        key,
      };
    }
    // Not commanded by the hub: only a real change of the value counts.
    if (previous && applies(entity_id, key, previous) && !sameValue(key, value, reported(previous, key)))
      return {
        override: true,
        why: origin === "actor" ? "person_changed_it" : "departs_from_command",
        key,
      };
  }
  return { override: false, why: matched ? "matches_command" : "nothing_that_counts" };
}
