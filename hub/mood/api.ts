import type { FastifyPluginAsync } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorBodySchema } from "../api/index.js";
import { HubError, MOODS, type Mood, type MoodSource } from "../core/index.js";
import { type MoodRecord, MoodRecordSchema } from "./records.js";

/** What the routes need: a recorder and a way to tell a person the hub knows. */
export interface MoodRouteDeps {
  record(person: string, mood: Mood, source: MoodSource, note?: string): MoodRecord;
  moods(person: string, limit: number): MoodRecord[];
  isPerson(id: string): boolean;
}

// An unknown mood gets the allowed list in the message itself: the first thing a script's author reads.
const MoodBodyMood = z.enum(MOODS, { error: `mood is one of ${MOODS.join(", ")}` });

export const MoodBodySchema = z.strictObject({
  mood: MoodBodyMood.describe(`One of ${MOODS.join(", ")}.`),
  note: z.string().trim().max(500).optional().describe("A few words, kept with the mood."),
  source: z
    .enum(["api", "dashboard"])
    .default("api")
    .describe("Where it was told; the dashboard sends dashboard."),
});

const Params = z.object({ id: z.string().min(1).max(64) });

/** `POST /api/people/:id/mood` and `GET /api/people/:id/moods`. */
export const moodRoutes: FastifyPluginAsync<MoodRouteDeps> = async (app, deps) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema };
  const known = (id: string): void => {
    if (!deps.isPerson(id)) throw new HubError("CALM_ERR_NOT_FOUND", `no person "${id}"`);
  };

  r.post(
    "/api/people/:id/mood",
    {
      schema: {
        tags: ["people"],
        description: "Records how the person feels now (a mood check-in).",
        params: Params,
        body: MoodBodySchema,
        response: { 200: MoodRecordSchema, ...errors },
      },
    },
    async (req) => {
      known(req.params.id);
      const { mood, note, source } = req.body;
      return deps.record(req.params.id, mood, source, note || undefined);
    },
  );

  r.get(
    "/api/people/:id/moods",
    {
      schema: {
        tags: ["people"],
        description: "The person's moods, newest first.",
        params: Params,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: z.array(MoodRecordSchema), ...errors },
      },
    },
    async (req) => {
      known(req.params.id);
      return deps.moods(req.params.id, req.query.limit);
    },
  );
};
