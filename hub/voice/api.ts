import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiPlugin } from "../api/index.js";
import { ErrorBodySchema } from "../api/index.js";
import { HubError } from "../core/index.js";
import { IntentSchema } from "./intents.js";
import type { VoiceReply, VoiceRequest } from "./service.js";

export const VoiceHttpBodySchema = z.strictObject({
  text: z.string().trim().min(1).max(500).describe("What the person said or typed."),
  room: z.string().min(1).max(64).optional().describe("Hub room id; defaults to the person's room."),
  person: z.string().min(1).max(64).optional().describe("Hub person id."),
  language: z.string().min(2).max(16).optional().describe("en or de; the voice config's language if absent."),
});

export const VoiceHttpReplySchema = z.object({
  speech: z.string().describe("A short sentence to say or show; never contains health values."),
  intent: IntentSchema,
});

/** `POST /api/voice`: the same understanding and actions as Assist, for scripts, Node-RED and the dashboard. */
export function voiceApiPlugin(voice: {
  readonly enabled: boolean;
  handle(request: VoiceRequest): Promise<VoiceReply>;
}): ApiPlugin {
  return (app) => {
    app.withTypeProvider<ZodTypeProvider>().post(
      "/api/voice",
      {
        schema: {
          tags: ["voice"],
          description:
            'Understands a calm request ("help me relax", "stop", "play rain", "I feel lonely") and acts on it.',
          body: VoiceHttpBodySchema,
          response: {
            200: VoiceHttpReplySchema,
            400: ErrorBodySchema,
            401: ErrorBodySchema,
            409: ErrorBodySchema,
          },
        },
      },
      async (req) => {
        if (!voice.enabled) throw new HubError("CALM_ERR_VOICE_DISABLED", "voice is switched off");
        const res = await voice.handle(req.body);
        return { speech: res.speech, intent: res.intent };
      },
    );
  };
}
