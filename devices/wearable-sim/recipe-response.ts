/**
 * Simulated people who calm down at their own pace depending on what the room does: the learning figure and
 * its test need people whose best recipe differs. A person sees only what Home Assistant shows (the room
 * light's brightness, what the speaker plays), never which recipe the hub chose, so that the hub has to learn
 * it from what really happens in the room.
 */

/** What a person perceives of their room, read from Home Assistant's entity states. */
export interface RoomSense {
  /** The room light's brightness, 0-255, or undefined when it is off. */
  brightness: number | undefined;
  /** What the speaker plays (its media_content_id) when it is playing, else null. */
  playing: string | null;
}

/** What calms a person fastest. */
export interface Preference {
  /** A word the speaker's content must contain ("rain", "ocean"), or null: only quiet helps. */
  sound: string | null;
  /** The light must be this dim (0-255) or dimmer; absent: any light. */
  max_brightness?: number;
}

export interface RespondingPerson {
  person: string;
  prefers: Preference;
}

/** Score points per minute the stress falls under the preferred setting, and under anything else. */
export const FAST_FALL_PER_MIN = 12;
export const SLOW_FALL_PER_MIN = 4;

export function likes(p: Preference, sense: RoomSense): boolean {
  const soundOk = p.sound === null ? sense.playing === null : (sense.playing ?? "").includes(p.sound);
  const lightOk =
    p.max_brightness === undefined ||
    (sense.brightness !== undefined && sense.brightness <= p.max_brightness);
  return soundOk && lightOk;
}

/** The next stress score (0-100) after `dtMs` in the room as sensed; a small seeded wobble keeps it real. */
export function nextScore(
  score: number,
  p: Preference,
  sense: RoomSense,
  dtMs: number,
  wobble: number,
): number {
  const rate = likes(p, sense) ? FAST_FALL_PER_MIN : SLOW_FALL_PER_MIN;
  return Math.max(5, Math.min(100, score - (rate * dtMs) / 60_000 + wobble));
}

/** Three people with different best recipes (rain; dim and quiet; ocean), for the demo, test and figure. */
export const RESPONDING_PEOPLE: readonly RespondingPerson[] = [
  { person: "alice", prefers: { sound: "rain" } },
  { person: "bob", prefers: { sound: null, max_brightness: 60 } },
  { person: "carol", prefers: { sound: "ocean" } },
];

/** A room's sense from entity states as Home Assistant (or its simulator) reports them. */
export function senseRoom(
  light: { state: string; attributes: Record<string, unknown> } | undefined,
  player: { state: string; attributes: Record<string, unknown> } | undefined,
): RoomSense {
  const b = light?.state === "on" ? light.attributes.brightness : undefined;
  const content = player?.attributes.media_content_id;
  return {
    brightness: typeof b === "number" ? b : undefined,
    playing: player?.state === "playing" && typeof content === "string" ? content : null,
  };
}
