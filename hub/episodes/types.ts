import { z } from "zod";

export const EpisodeEndReasonSchema = z.enum([
  "calm",
  "max_duration",
  "stopped",
  "left_home",
  "replaced",
  "expired",
]);
export type EpisodeEndReason = z.infer<typeof EpisodeEndReasonSchema>;

/** How an episode was asked for. */
export interface EpisodeRequest {
  person: string;
  /** A room id from the config's `rooms`; defaults to the person's room. */
  room?: string | undefined;
  /** Why, in words, e.g. "stress high", "voice request", "calm now button". */
  reason: string;
  soundscape?: string | undefined;
  /**
   * "automatic" when a rule started it: its steps then obey pause and mode (actions/policy.ts). Absent: a
   * person asked (voice, the API, the calm-now button), and the episode acts even while automation is paused.
   * Giving the room back is always allowed.
   */
  origin?: "automatic" | "person" | undefined;
}

export interface EpisodeView {
  id: string;
  person: string;
  room: string;
  started_at: number;
  ended_at: number | null;
  state: "active" | "ended";
  reason: string;
  end_reason: EpisodeEndReason | null;
  soundscape: string | null;
  /** Entities a person changed by hand during the episode; the hub leaves them alone. */
  overridden: string[];
}

export type EpisodeStartResult =
  | { ok: true; episode: EpisodeView; already_running: boolean }
  | { ok: false; reason: string };

/** What voice, the API, Node-RED and MQTT buttons may ask of calm episodes. */
export interface EpisodeControl {
  start(request: EpisodeRequest): Promise<EpisodeStartResult>;
  /** Ends the person's or room's active episode and gives the room back; false when none was running. */
  stop(
    selector: { person?: string; room?: string; id?: string },
    reason?: EpisodeEndReason,
  ): Promise<EpisodeView | undefined>;
  active(): EpisodeView[];
  /** Plays a named soundscape in a room under the volume caps and quiet hours, outside an episode. */
  playSoundscape(room: string, soundscape: string): Promise<{ ok: boolean; detail: string }>;
}
