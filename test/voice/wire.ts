import type { ApiPlugin } from "../../hub/api/index.js";
import type { Logger } from "../../hub/core/index.js";
import type { EpisodeControl } from "../../hub/episodes/index.js";
import { createFriendSuggester, type FriendSuggester } from "../../hub/friends/index.js";
import { Hub } from "../../hub/hub.js";
import { createVoiceService, type VoiceService, voiceApiPlugin } from "../../hub/voice/index.js";
import { type TestHubOptions, testConfig } from "../support/hub.js";
import { SceneEpisodes } from "./scene-episodes.js";

export interface WiredHub {
  hub: Hub;
  voice: VoiceService;
  friends: FriendSuggester;
  episodes: SceneEpisodes;
  stop(): Promise<void>;
}

/**
 * A Hub with voice and friends wired the way hub.ts is meant to wire them (see the branch report): both built
 * from the hub's own HaLink, store, clock, logger, events and config; the voice route added as an ApiPlugin;
 * started after the hub (HaLink and store running), stopped before it.
 */
export async function startWiredHub(o: TestHubOptions & { logger: Logger }): Promise<WiredHub> {
  const plugins: ApiPlugin[] = [...(o.apiPlugins ?? [])];
  const hub = new Hub({
    config: testConfig(o),
    logger: o.logger,
    apiPlugins: plugins,
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.http === undefined ? {} : { http: o.http }),
  });
  const rooms = {
    living_room: { light: "light.living_room", speaker: "media_player.living_room" },
    bedroom: { light: "light.bedroom", speaker: "media_player.bedroom" },
    hall: { light: "light.hall" },
  };
  const personRooms: Record<string, string> = {};
  for (const [id, p] of Object.entries(hub.config.people)) if (p.room) personRooms[id] = p.room;
  const episodes = new SceneEpisodes(hub.ha, hub.clock, rooms, personRooms);
  const ep: EpisodeControl = episodes;

  const friends = createFriendSuggester({
    ha: hub.ha,
    store: hub.store,
    clock: hub.clock,
    logger: hub.logger,
    config: hub.config.friends,
    timeZone: () => hub.timeZone,
    events: hub.events,
    episodes: ep,
  });
  const voice = createVoiceService({
    ha: hub.ha,
    episodes: ep,
    config: hub.config.voice,
    clock: hub.clock,
    logger: hub.logger,
    friends,
    people: hub.config.people,
  });
  plugins.push(voiceApiPlugin(voice));

  await hub.start();
  friends.start();
  voice.start();
  return {
    hub,
    voice,
    friends,
    episodes,
    async stop() {
      await voice.stop();
      await friends.stop();
      await hub.stop();
    },
  };
}
