import type { FastifyPluginAsync } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorBodySchema } from "../api/index.js";
import { RecipeIdSchema, RecipeSchema } from "../config/index.js";
import { HubError } from "../core/index.js";
import { ComparisonRecordSchema, OutcomeRecordSchema } from "./outcome.js";
import { type Learning, RecipeListingSchema } from "./service.js";

export interface LearningRouteDeps {
  learning: Pick<Learning, "recipes" | "recipe" | "putRecipe" | "deleteRecipe" | "outcomes" | "comparisons">;
  isPerson(id: string): boolean;
}

const RecipeStatsSchema = z.object({
  person: z.string(),
  runs: z.number().int(),
  mean_minutes_to_calm: z.number().nullable(),
});

const RecipeRowSchema = RecipeListingSchema.extend({
  people: z.array(RecipeStatsSchema).describe("Per person: runs and average minutes until calm"),
});

/** `GET/PUT/DELETE /api/recipes…` and `GET /api/people/:id/outcomes`. */
export const learningRoutes: FastifyPluginAsync<LearningRouteDeps & { people(): string[] }> = async (
  app,
  deps,
) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema };
  const IdParams = z.object({ id: RecipeIdSchema });

  r.get(
    "/api/recipes",
    {
      schema: {
        tags: ["recipes"],
        description: "The recipes an episode chooses from (config and API ones), with each person's runs.",
        response: { 200: z.array(RecipeRowSchema), ...errors },
      },
    },
    async () => {
      const outcomes = deps.people().flatMap((p) => deps.learning.outcomes(p));
      return deps.learning.recipes().map((recipe) => {
        const people = [...new Set(outcomes.map((o) => o.person))].sort().flatMap((person) => {
          const runs = outcomes.filter((o) => o.person === person && o.recipe_id === recipe.id);
          if (runs.length === 0) return [];
          const calm = runs.flatMap((o) => (o.minutes_to_calm === null ? [] : [o.minutes_to_calm]));
          const mean = calm.length
            ? Math.round((calm.reduce((a, b) => a + b, 0) / calm.length) * 10) / 10
            : null;
          return [{ person, runs: runs.length, mean_minutes_to_calm: mean }];
        });
        return { ...recipe, people };
      });
    },
  );

  r.put(
    "/api/recipes/:id",
    {
      schema: {
        tags: ["recipes"],
        description:
          "Adds or replaces a recipe (kept in the store; one with a config recipe's id overrides it).",
        params: IdParams,
        body: RecipeSchema,
        response: { 200: RecipeListingSchema, ...errors },
      },
    },
    async (req) => {
      const put = deps.learning.putRecipe(req.params.id, req.body);
      if (!put.ok) throw new HubError("CALM_ERR_BAD_REQUEST", put.reason);
      const saved = deps.learning.recipe(req.params.id);
      if (!saved) throw new HubError("CALM_ERR_INTERNAL", "the recipe was not saved");
      return saved;
    },
  );

  r.delete(
    "/api/recipes/:id",
    {
      schema: {
        tags: ["recipes"],
        description: "Deletes a recipe added through the API (a config recipe it overrode comes back).",
        params: IdParams,
        response: { 200: z.object({ deleted: z.string() }), ...errors },
      },
    },
    async (req) => {
      const result = deps.learning.deleteRecipe(req.params.id);
      if (result === "config")
        throw new HubError(
          "CALM_ERR_RECIPE_IN_CONFIG",
          `recipe "${req.params.id}" comes from the config file; change it there`,
        );
      if (result === "missing") throw new HubError("CALM_ERR_NOT_FOUND", `no recipe "${req.params.id}"`);
      return { deleted: req.params.id };
    },
  );

  r.get(
    "/api/people/:id/outcomes",
    {
      schema: {
        tags: ["people"],
        description:
          "The person's episode outcomes (newest first) and the moments an episode was held back, compared.",
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: {
          200: z.object({
            outcomes: z.array(OutcomeRecordSchema),
            comparisons: z.array(ComparisonRecordSchema),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      if (!deps.isPerson(req.params.id))
        throw new HubError("CALM_ERR_NOT_FOUND", `no person "${req.params.id}"`);
      return {
        outcomes: deps.learning.outcomes(req.params.id, req.query.limit),
        comparisons: deps.learning.comparisons(req.params.id, req.query.limit),
      };
    },
  );
};
