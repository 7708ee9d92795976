import type { CauseOrigin, EpisodeEndReason, EpisodeView } from "../core/index.js";

export {
  type EpisodeEndReason,
  EpisodeEndReasonSchema,
  type EpisodeView,
} from "../core/index.js";

/** How an episode was asked for. */
export interface EpisodeRequest {
  person: string;
  /** A room id from the config's `rooms`; defaults to the person's room. */
  room?: string | undefined;
  /** Why, in words, e.g. "stress high", "voice request", "calm now button". */
  reason: string;
  soundscape?: string | undefined;
  /** What asked for it, for the action log (a rule's reading, a voice request, a button …). */
  cause?: CauseOrigin | undefined;
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
    by?: CauseOrigin,
  ): Promise<EpisodeView | undefined>;
  active(): EpisodeView[];
  /** Plays a named soundscape in a room under the volume caps and quiet hours, outside an episode. */
  playSoundscape(
    room: string,
    soundscape: string,
    by?: CauseOrigin,
  ): Promise<{ ok: boolean; detail: string }>;
}
