import { z } from "zod";
import { parseOrInvalid } from "../client-messages.js";
import { HaError } from "../ha-error.js";
import { isoTime } from "../time.js";
import { entitiesSupporting } from "./service-helpers.js";
import type { ServiceDefinition } from "./service-types.js";

/** `AssistSatelliteEntityFeature.ANNOUNCE`. */
const SATELLITE_ANNOUNCE = 1;

const speakSchema = z.looseObject({
  media_player_entity_id: z.union([z.string(), z.array(z.string())]),
  message: z.string(),
  cache: z.boolean().default(true),
  language: z.string().optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});

const announceSchema = z.looseObject({
  message: z.string().optional(),
  media_id: z.string().optional(),
  preannounce: z.boolean().default(true),
  preannounce_media_id: z.string().optional(),
});

const processSchema = z.looseObject({
  text: z.string(),
  language: z.string().optional(),
  agent_id: z.string().optional(),
  conversation_id: z.string().optional(),
});

export function voiceServices(): ServiceDefinition[] {
  return [
    {
      domain: "tts",
      service: "speak",
      name: "Speak",
      description: "Speaks something using text-to-speech on a media player.",
      fields: {
        media_player_entity_id: { required: true, selector: { entity: { domain: "media_player" } } },
        message: { required: true, selector: { text: {} } },
        cache: { selector: { boolean: {} } },
        language: { selector: { text: {} } },
        options: { selector: { object: {} } },
      },
      entityDomain: "tts",
      handler: (call, home) => {
        const params = parseOrInvalid(speakSchema, call.data);
        for (const id of call.entityIds) {
          const current = home.states.get(id);
          // A TTS entity's state is the time it last spoke.
          if (current) home.states.set(id, isoTime(home.now()), current.attributes, call.context);
          call.applied[id] = {
            media_player_entity_id: params.media_player_entity_id,
            message: params.message,
          };
        }
      },
    },
    {
      domain: "assist_satellite",
      service: "announce",
      name: "Announce",
      description: "Lets a satellite announce a message.",
      fields: {
        message: { selector: { text: {} } },
        media_id: { selector: { text: {} } },
        preannounce: { selector: { boolean: {} } },
        preannounce_media_id: { selector: { text: {} } },
      },
      entityDomain: "assist_satellite",
      handler: (call, home) => {
        if (call.data.message === undefined && call.data.media_id === undefined) {
          throw new HaError("invalid_format", "must contain at least one of message, media_id.");
        }
        const params = parseOrInvalid(announceSchema, call.data);
        for (const id of entitiesSupporting(call, home, SATELLITE_ANNOUNCE)) {
          call.applied[id] = {
            ...(params.message !== undefined ? { message: params.message } : {}),
            ...(params.media_id !== undefined ? { media_id: params.media_id } : {}),
            preannounce: params.preannounce,
          };
        }
      },
    },
    {
      domain: "conversation",
      service: "process",
      name: "Process",
      description: "Launches a conversation from a transcribed text.",
      fields: {
        text: { required: true, selector: { text: {} } },
        language: {},
        agent_id: {},
        conversation_id: {},
      },
      response: "optional",
      handler: (call, home) => {
        const params = parseOrInvalid(processSchema, call.data);
        return home.conversation.process({
          text: params.text,
          language: params.language ?? home.language,
          conversation_id: params.conversation_id ?? null,
          device_id: null,
          agent_id: params.agent_id ?? null,
          context: call.context,
        });
      },
    },
  ];
}
