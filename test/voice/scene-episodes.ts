import type { Clock } from "../../hub/core/index.js";
import type {
  EpisodeControl,
  EpisodeEndReason,
  EpisodeRequest,
  EpisodeStartResult,
  EpisodeView,
} from "../../hub/episodes/index.js";
import type { HaLink } from "../../hub/ha/index.js";

interface RoomEntities {
  light: string;
  speaker?: string;
}

/**
 * A small but real EpisodeControl for tests until the main one is merged: snapshot the room with scene.create,
 * dim its light, play a soundscape, and on stop restore the snapshot, all through the real HaLink.
 */
export class SceneEpisodes implements EpisodeControl {
  private readonly episodes: EpisodeView[] = [];
  private seq = 0;
  /** Makes start() slow, to test the voice service answering before the action is done. */
  delayMs = 0;
  readonly requests: EpisodeRequest[] = [];

  private readonly ha: HaLink;
  private readonly clock: Clock;
  private readonly rooms: Record<string, RoomEntities>;
  private readonly personRooms: Record<string, string>;

  constructor(
    ha: HaLink,
    clock: Clock,
    rooms: Record<string, RoomEntities>,
    personRooms: Record<string, string> = {},
  ) {
    this.ha = ha;
    this.clock = clock;
    this.rooms = rooms;
    this.personRooms = personRooms;
  }

  async start(request: EpisodeRequest): Promise<EpisodeStartResult> {
    this.requests.push(request);
    const room = request.room ?? this.personRooms[request.person];
    const entities = room ? this.rooms[room] : undefined;
    if (!room || !entities) return { ok: false, reason: `no such room ${room ?? "(none)"}` };
    const running = this.episodes.find((e) => e.room === room && e.state === "active");
    if (running) return { ok: true, episode: running, already_running: true };
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const snapshot = [entities.light, ...(entities.speaker ? [entities.speaker] : [])];
    await this.ha.callService("scene", "create", {
      scene_id: `calm_restore_${room}`,
      snapshot_entities: snapshot,
    });
    await this.ha.callService(
      "light",
      "turn_on",
      { brightness_pct: 30, color_temp_kelvin: 2200 },
      {
        entity_id: entities.light,
      },
    );
    if (request.soundscape && entities.speaker) await this.play(entities.speaker, request.soundscape);
    const episode: EpisodeView = {
      id: `ep${++this.seq}`,
      person: request.person,
      room,
      started_at: this.clock.now(),
      ended_at: null,
      state: "active",
      reason: request.reason,
      end_reason: null,
      soundscape: request.soundscape ?? null,
      overridden: [],
    };
    this.episodes.push(episode);
    return { ok: true, episode, already_running: false };
  }

  async stop(
    selector: { person?: string; room?: string; id?: string },
    reason: EpisodeEndReason = "stopped",
  ): Promise<EpisodeView | undefined> {
    const e = this.episodes.find(
      (x) =>
        x.state === "active" &&
        (selector.id === undefined || x.id === selector.id) &&
        (selector.room === undefined || x.room === selector.room) &&
        (selector.person === undefined || x.person === selector.person),
    );
    if (!e) return undefined;
    await this.ha.callService("scene", "turn_on", {}, { entity_id: `scene.calm_restore_${e.room}` });
    e.state = "ended";
    e.ended_at = this.clock.now();
    e.end_reason = reason;
    return e;
  }

  active(): EpisodeView[] {
    return this.episodes.filter((e) => e.state === "active");
  }

  async playSoundscape(room: string, soundscape: string): Promise<{ ok: boolean; detail: string }> {
    const speaker = this.rooms[room]?.speaker;
    if (!speaker) return { ok: false, detail: "no speaker in that room" };
    await this.play(speaker, soundscape);
    return { ok: true, detail: "playing" };
  }

  private async play(speaker: string, soundscape: string): Promise<void> {
    await this.ha.callService(
      "media_player",
      "play_media",
      { media_content_id: `media-source://calm/${soundscape}`, media_content_type: "music" },
      { entity_id: speaker },
    );
  }
}
