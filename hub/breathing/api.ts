import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  type ApiPlugin,
  BreathingStatusSchema,
  EpisodeViewSchema,
  ErrorBodySchema,
  toEpisodeView,
} from "../api/index.js";
import { type CauseOrigin, HubError } from "../core/index.js";
import type { BreathingPacer } from "./pacer.js";

const IdParams = z.object({ id: z.string().min(1).max(64) });

export const BreatheBodySchema = z
  .strictObject({
    room: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe("Hub room id; the person's running episode's or own room when absent."),
  })
  .default({});

export const BreatheReplySchema = z.object({
  already_running: z.boolean(),
  breathing: BreathingStatusSchema,
  episode: EpisodeViewSchema.nullable().describe("The calm episode the guide runs in"),
});

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema };

/**
 * `POST /api/people/<id>/breathe` starts the breathing guide (inside the person's calm episode, or a new one);
 * stopping is the episode's stop (`POST /api/episodes/<id>/stop`, voice "stop"). `GET /api/breathing` lists
 * running guides and those stopped lately.
 */
export function breathingApiPlugin(
  pacer: Pick<BreathingPacer, "request" | "statuses">,
  knownPerson: (id: string) => boolean,
): ApiPlugin {
  return (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      "/api/people/:id/breathe",
      {
        schema: {
          tags: ["people"],
          description:
            "Starts the breathing guide: a light (or the soundscape) rises and falls at the person's pace, slowing toward about six breaths a minute. Refused (409) in a bedroom at night or while someone there is asleep.",
          params: IdParams,
          body: BreatheBodySchema,
          response: { 200: BreatheReplySchema, ...errors },
        },
      },
      async (req) => {
        const person = req.params.id;
        if (!knownPerson(person)) throw new HubError("CALM_ERR_NOT_FOUND", `no person "${person}"`);
        const cause: CauseOrigin = { kind: "api", why: "a breathing guide was asked for through the API" };
        const res = await pacer.request({ person, room: req.body?.room, cause });
        if (!res.ok) {
          if (res.refusal === "no_room") throw new HubError("CALM_ERR_NOT_FOUND", res.reason);
          throw new HubError("CALM_ERR_BREATHING_REFUSED", res.reason);
        }
        return {
          already_running: res.already,
          breathing: res.status,
          episode: res.episode ? toEpisodeView(res.episode) : null,
        };
      },
    );
    r.get(
      "/api/breathing",
      {
        schema: {
          tags: ["episodes"],
          description: "Breathing guides: the running ones, then those stopped lately.",
          response: { 200: z.array(BreathingStatusSchema), ...errors },
        },
      },
      async () => pacer.statuses(),
    );
  };
}
