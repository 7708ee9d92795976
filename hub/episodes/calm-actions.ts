import type { Config } from "../config/index.js";
import { own, type PlannedAction } from "../core/index.js";
import type { EpisodeManager } from "./manager.js";

type LocalHandler = (action: PlannedAction) => Promise<string>;

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.length > 0 ? v : undefined;
}

/**
 * Rule actions in the `calm` domain run in the hub, under the episode caps: `calm.start_episode`,
 * `calm.end_episode`, `calm.play_soundscape`. Registered with the action runner, so they get its log, TTL and key.
 */
export function calmActions(
  episodes: Pick<EpisodeManager, "startEpisode" | "stopEpisode" | "playSoundscape">,
  config: Pick<Config, "people" | "episodes" | "rooms">,
): Record<string, LocalHandler> {
  return {
    start_episode: async (a) => {
      const r = await episodes.startEpisode({
        person: a.person,
        room: str(a.data?.room),
        soundscape: str(a.data?.soundscape),
        reason: `rule ${a.rule_id}`,
        cause: a.trigger.cause,
      });
      if (!r.ok) throw new Error(r.reason);
      return r.already_running
        ? `episode ${r.episode.id} already running`
        : `episode ${r.episode.id} started in the ${own(config.rooms, r.episode.room)?.name ?? r.episode.room}`;
    },
    end_episode: async (a) => {
      const ended = await episodes.stopEpisode(
        { person: a.person, room: str(a.data?.room) },
        "stopped",
        a.trigger.cause,
      );
      return ended ? `episode ${ended.id} ended` : "no episode was running";
    },
    play_soundscape: async (a) => {
      const room = str(a.data?.room) ?? own(config.people, a.person)?.room;
      const name = str(a.data?.soundscape) ?? config.episodes.soundscape;
      if (!room || !name) throw new Error("play_soundscape needs a room and a soundscape");
      const r = await episodes.playSoundscape(room, name, a.trigger.cause);
      if (!r.ok) throw new Error(r.detail);
      return r.detail;
    },
  };
}
