import { z } from "zod";
import { ROOM_ID_PATTERN } from "../core/index.js";

/** Home Assistant event types: lowercase words joined by underscores. */
const EVENT_TYPE = /^[a-z][a-z0-9_]{0,63}$/;

/** The `voice:` section of the config file. */
export const VoiceConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Answer Assist requests and POST /api/voice."),
    request_event: z
      .string()
      .regex(EVENT_TYPE)
      .default("calm_hub_request")
      .describe("Event the Home Assistant automation fires for each sentence (config/homeassistant)."),
    response_event: z
      .string()
      .regex(EVENT_TYPE)
      .default("calm_hub_response")
      .describe("Event the hub fires back with {request_id, speech}."),
    default_room: z
      .string()
      .regex(ROOM_ID_PATTERN)
      .optional()
      .describe("Room used when neither the satellite's area nor the sentence names one."),
    default_person: z
      .string()
      .optional()
      .describe("Person a request is for when neither the request, the HA user nor the room says."),
    language: z
      .string()
      .min(2)
      .max(16)
      .default("en")
      .describe(
        "Language of typed requests (POST /api/voice) that do not name one; en and de are understood.",
      ),
    areas: z
      .record(z.string().min(1), z.string().regex(ROOM_ID_PATTERN))
      .default({})
      .describe(
        "Home Assistant area id → hub room id. An area whose id is already a room id needs no entry.",
      ),
    answer_within_ms: z
      .number()
      .int()
      .min(200)
      .max(3500)
      .default(1500)
      .describe(
        "If an action takes longer than this, the hub answers first with what it is doing (Assist waits 4 s).",
      ),
  })
  .describe("Voice requests from Home Assistant Assist and POST /api/voice.");

export type VoiceConfig = z.infer<typeof VoiceConfigSchema>;
export type VoiceConfigInput = z.input<typeof VoiceConfigSchema>;
