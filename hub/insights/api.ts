import type { FastifyPluginAsync } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorBodySchema } from "../api/index.js";
import { HubError } from "../core/index.js";
import { type Insights, InsightsSchema } from "./compute.js";

export interface InsightRouteDeps {
  insights(person: string, days: number): Insights;
  isPerson(id: string): boolean;
}

/** `GET /api/people/:id/insights?days=7`. */
export const insightRoutes: FastifyPluginAsync<InsightRouteDeps> = async (app, deps) => {
  app.withTypeProvider<ZodTypeProvider>().get(
    "/api/people/:id/insights",
    {
      schema: {
        tags: ["people"],
        description:
          "The person's week: when stress ran high, which calm recipes helped, and relations with sleep, steps " +
          "and mood that hold with enough days behind them (each with its size and its number of days).",
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: z.object({ days: z.coerce.number().int().min(1).max(90).default(7) }),
        response: { 200: InsightsSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema },
      },
    },
    async (req) => {
      if (!deps.isPerson(req.params.id))
        throw new HubError("CALM_ERR_NOT_FOUND", `no person "${req.params.id}"`);
      return deps.insights(req.params.id, req.query.days);
    },
  );
};
