import type { Logger } from "../../hub/core/index.js";
import type { FriendSuggester } from "../../hub/friends/index.js";
import type { Hub } from "../../hub/hub.js";
import type { VoiceService } from "../../hub/voice/index.js";
import { startTestHub, type TestHubOptions } from "../support/hub.js";

export interface WiredHub {
  hub: Hub;
  voice: VoiceService;
  friends: FriendSuggester;
  stop(): Promise<void>;
}

/** The rooms the voice and friends tests use, matching the simulator's default home. */
export const VOICE_ROOMS = `
rooms:
  living_room:
    name: Living room
    lights: [light.living_room]
    media_player: media_player.living_room
    people: [alice]
  bedroom:
    name: Bedroom
    lights: [light.bedroom]
    media_player: media_player.bedroom
    people: [bob]
soundscapes:
  rain: { media_content_id: "media-source://media_source/local/calm/rain.mp3" }
  ocean: { media_content_id: "media-source://media_source/local/calm/ocean.mp3" }
  forest: { media_content_id: "media-source://media_source/local/calm/forest.mp3" }
`;

/** A real Hub, with voice and friends as hub.ts wires them (HaLink, store, episodes, events). */
export async function startWiredHub(o: TestHubOptions & { logger: Logger }): Promise<WiredHub> {
  const hub = await startTestHub({ ...o, yaml: `${o.yaml ?? ""}\n${VOICE_ROOMS}` });
  return { hub, voice: hub.voice, friends: hub.friends, stop: () => hub.stop() };
}
