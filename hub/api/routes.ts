/** The hub's own routes: health, the action log, rules (CRUD and dry run), people (list, export, delete). */
import type { FastifyPluginAsync } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { HubError } from "../core/index.js";
import type { ApiDeps } from "./deps.js";
import { PUBLIC_ROUTE } from "./route-options.js";
import {
  ActionLogEntrySchema,
  DecisionSchema,
  DryRunBodySchema,
  ErrorBodySchema,
  HealthSchema,
  PersonSchema,
  RuleEntrySchema,
} from "./schemas.js";
import { describeAction } from "./words.js";

export const hubRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema };
  const IdParams = z.object({ id: z.string().min(1).max(64) });

  r.get(
    "/api/health",
    { ...PUBLIC_ROUTE, schema: { tags: ["hub"], security: [], response: { 200: HealthSchema } } },
    async () => deps.health(),
  );

  r.get(
    "/api/actions",
    {
      schema: {
        tags: ["actions"],
        description: 'The action log, newest first: "why did my lights change?"',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(1000).default(50),
          person: z.string().optional(),
        }),
        response: { 200: z.array(ActionLogEntrySchema), ...errors },
      },
    },
    async (req) =>
      deps
        .recentActions(req.query.limit, req.query.person)
        .map((e) => ({ ...e, summary: describeAction(e) })),
  );

  r.get(
    "/api/rules",
    { schema: { tags: ["rules"], response: { 200: z.array(RuleEntrySchema), ...errors } } },
    async () => deps.rules.list(),
  );

  r.get(
    "/api/rules/:id",
    { schema: { tags: ["rules"], params: IdParams, response: { 200: RuleEntrySchema, ...errors } } },
    async (req) => {
      const entry = deps.rules.get(req.params.id);
      if (!entry) throw new HubError("CALM_ERR_RULE_NOT_FOUND", `no rule "${req.params.id}"`);
      return entry;
    },
  );

  r.put(
    "/api/rules/:id",
    {
      schema: {
        tags: ["rules"],
        description:
          "Creates or replaces a rule. The body is validated with the config file's rule schema; an invalid rule changes nothing.",
        params: IdParams,
        querystring: z.object({ origin: z.enum(["api", "node-red"]).default("api") }),
        body: z.unknown(),
        response: { 200: RuleEntrySchema, ...errors },
      },
    },
    async (req) => {
      const entry = deps.rules.put(req.params.id, req.body, req.query.origin, deps.now());
      deps.logger.info({ component: "api", rule: req.params.id, origin: req.query.origin }, "rule saved");
      return entry;
    },
  );

  r.delete(
    "/api/rules/:id",
    { schema: { tags: ["rules"], params: IdParams, response: { 204: z.null(), ...errors } } },
    async (req, reply) => {
      deps.rules.delete(req.params.id);
      deps.logger.info({ component: "api", rule: req.params.id }, "rule deleted");
      return reply.code(204).send(null);
    },
  );

  r.post(
    "/api/rules/:id/dry-run",
    {
      schema: {
        tags: ["rules"],
        description: "What the rule would do for a reading, without doing it. Cooldowns are ignored.",
        params: IdParams,
        body: DryRunBodySchema,
        response: { 200: z.object({ decisions: z.array(DecisionSchema) }), ...errors },
      },
    },
    async (req) => {
      const entry = deps.rules.get(req.params.id);
      if (!entry) throw new HubError("CALM_ERR_RULE_NOT_FOUND", `no rule "${req.params.id}"`);
      return { decisions: deps.dryRun(entry.rule, req.body) };
    },
  );

  r.get(
    "/api/people",
    { schema: { tags: ["people"], response: { 200: z.array(PersonSchema), ...errors } } },
    async () => deps.people(),
  );

  r.get(
    "/api/people/:id/export",
    {
      schema: {
        tags: ["people"],
        params: IdParams,
        response: { 200: z.record(z.string(), z.unknown()), ...errors },
      },
    },
    async (req) => {
      deps.logger.info({ component: "api", person: req.params.id }, "personal data exported");
      return deps.exportPerson(req.params.id);
    },
  );

  r.delete(
    "/api/people/:id/data",
    {
      schema: {
        tags: ["people"],
        params: IdParams,
        response: { 200: z.object({ deleted: z.record(z.string(), z.number()) }), ...errors },
      },
    },
    async (req) => {
      const deleted = deps.deletePerson(req.params.id);
      deps.logger.info({ component: "api", person: req.params.id, deleted }, "personal data deleted");
      return { deleted };
    },
  );
};
