import { z } from "zod";
import { parseOrInvalid } from "../client-messages.js";
import type { SimHome } from "../sim-home.js";
import type { HaAttributes, HaContext } from "../types.js";
import { checkExclusive, entitiesSupporting } from "./service-helpers.js";
import type { ServiceDefinition } from "./service-types.js";

/** `MediaPlayerEntityFeature` bits the simulator checks. */
export const MediaFeature = {
  PAUSE: 1,
  VOLUME_SET: 4,
  VOLUME_MUTE: 8,
  TURN_ON: 128,
  TURN_OFF: 256,
  PLAY_MEDIA: 512,
  STOP: 4096,
  PLAY: 16384,
  MEDIA_ANNOUNCE: 1048576,
} as const;

/** Keys a player only reports while it has media; dropped when stopped or off. */
const MEDIA_KEYS = [
  "media_content_id",
  "media_content_type",
  "media_title",
  "media_duration",
  "media_position",
];
/** Keys a player only reports while on. */
const ON_KEYS = ["volume_level", "is_volume_muted", ...MEDIA_KEYS];

function without(attributes: HaAttributes, keys: readonly string[]): HaAttributes {
  const result: HaAttributes = {};
  for (const [key, value] of Object.entries(attributes)) if (!keys.includes(key)) result[key] = value;
  return result;
}

/** Powering up brings back the volume the player had before it was switched off. */
function onAttributes(home: SimHome, entityId: string, attributes: HaAttributes): HaAttributes {
  if (attributes.volume_level !== undefined) return attributes;
  const remembered = home.memory.get(entityId) ?? {};
  return {
    ...attributes,
    volume_level: remembered.volume_level ?? 0.5,
    is_volume_muted: remembered.is_volume_muted ?? false,
  };
}

export function playMedia(
  home: SimHome,
  entityId: string,
  media: { media_content_id: string; media_content_type: string; media_title?: unknown },
  context: HaContext,
): void {
  const current = home.states.get(entityId);
  if (!current) return;
  const attributes = onAttributes(home, entityId, without(current.attributes, MEDIA_KEYS));
  attributes.media_content_id = media.media_content_id;
  attributes.media_content_type = media.media_content_type;
  if (typeof media.media_title === "string") attributes.media_title = media.media_title;
  home.states.set(entityId, "playing", attributes, context);
}

export function setPlayerState(home: SimHome, entityId: string, state: string, context: HaContext): void {
  const current = home.states.get(entityId);
  if (!current) return;
  if (state === "off") {
    home.memory.set(entityId, current.attributes);
    home.states.set(entityId, "off", without(current.attributes, ON_KEYS), context);
  } else if (state === "idle" || state === "on") {
    home.states.set(
      entityId,
      state,
      onAttributes(home, entityId, without(current.attributes, MEDIA_KEYS)),
      context,
    );
  } else {
    home.states.set(entityId, state, onAttributes(home, entityId, current.attributes), context);
  }
}

export function setVolume(home: SimHome, entityId: string, volume: number, context: HaContext): void {
  const current = home.states.get(entityId);
  if (!current) return;
  home.states.set(entityId, current.state, { ...current.attributes, volume_level: volume }, context);
}

const playMediaSchema = z.looseObject({
  media_content_id: z.string(),
  media_content_type: z.string(),
  enqueue: z.union([z.enum(["play", "next", "add", "replace"]), z.boolean()]).optional(),
  announce: z.boolean().optional(),
  extra: z.record(z.string(), z.unknown()).default({}),
});

const volumeSetSchema = z.looseObject({ volume_level: z.coerce.number().min(0).max(1) });
const volumeMuteSchema = z.looseObject({ is_volume_muted: z.boolean() });

function simple(
  service: string,
  name: string,
  feature: number,
  apply: (home: SimHome, entityId: string, context: HaContext) => void,
): ServiceDefinition {
  return {
    domain: "media_player",
    service,
    name,
    description: `${name} on one or more media players.`,
    fields: {},
    entityDomain: "media_player",
    handler: (call, home) => {
      for (const id of entitiesSupporting(call, home, feature)) {
        apply(home, id, call.context);
        call.applied[id] = {};
      }
    },
  };
}

export function mediaPlayerServices(): ServiceDefinition[] {
  return [
    {
      domain: "media_player",
      service: "play_media",
      name: "Play media",
      description: "Starts playing specified media.",
      fields: {
        media_content_id: { required: true, selector: { text: {} } },
        media_content_type: { required: true, selector: { text: {} } },
        enqueue: { selector: { select: { options: ["play", "next", "add", "replace"] } } },
        announce: { selector: { boolean: {} } },
      },
      entityDomain: "media_player",
      handler: (call, home) => {
        checkExclusive(call.data, "enqueue_announce", ["enqueue", "announce"]);
        const params = parseOrInvalid(playMediaSchema, call.data);
        for (const id of entitiesSupporting(call, home, MediaFeature.PLAY_MEDIA)) {
          const announce = params.announce === true;
          // An announcement plays over the current media and leaves the player's state as it was.
          if (!announce) playMedia(home, id, params, call.context);
          call.applied[id] = {
            media_content_id: params.media_content_id,
            media_content_type: params.media_content_type,
            ...(params.announce !== undefined ? { announce: params.announce } : {}),
            ...(params.enqueue !== undefined ? { enqueue: params.enqueue } : {}),
          };
        }
      },
    },
    {
      domain: "media_player",
      service: "volume_set",
      name: "Set volume",
      description: "Sets the volume level.",
      fields: { volume_level: { required: true, selector: { number: { min: 0, max: 1, step: 0.01 } } } },
      entityDomain: "media_player",
      handler: (call, home) => {
        const params = parseOrInvalid(volumeSetSchema, call.data);
        for (const id of entitiesSupporting(call, home, MediaFeature.VOLUME_SET)) {
          setVolume(home, id, params.volume_level, call.context);
          call.applied[id] = { volume_level: params.volume_level };
        }
      },
    },
    {
      domain: "media_player",
      service: "volume_mute",
      name: "Mute/unmute volume",
      description: "Mutes or unmutes the media player.",
      fields: { is_volume_muted: { required: true, selector: { boolean: {} } } },
      entityDomain: "media_player",
      handler: (call, home) => {
        const params = parseOrInvalid(volumeMuteSchema, call.data);
        for (const id of entitiesSupporting(call, home, MediaFeature.VOLUME_MUTE)) {
          const current = home.states.get(id);
          if (!current) continue;
          home.states.set(
            id,
            current.state,
            { ...current.attributes, is_volume_muted: params.is_volume_muted },
            call.context,
          );
          call.applied[id] = { is_volume_muted: params.is_volume_muted };
        }
      },
    },
    simple("media_stop", "Stop", MediaFeature.STOP, (home, id, context) =>
      setPlayerState(home, id, "idle", context),
    ),
    simple("media_pause", "Pause", MediaFeature.PAUSE, (home, id, context) => {
      if (home.states.get(id)?.state === "playing") setPlayerState(home, id, "paused", context);
    }),
    simple("media_play", "Play", MediaFeature.PLAY, (home, id, context) => {
      if (home.states.get(id)?.state === "paused") setPlayerState(home, id, "playing", context);
    }),
    simple("turn_off", "Turn off", MediaFeature.TURN_OFF, (home, id, context) =>
      setPlayerState(home, id, "off", context),
    ),
    simple("turn_on", "Turn on", MediaFeature.TURN_ON, (home, id, context) => {
      if (home.states.get(id)?.state === "off") setPlayerState(home, id, "idle", context);
    }),
  ];
}
