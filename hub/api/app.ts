import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { z } from "zod";
import type { Rule } from "../config/index.js";
import {
  HubError,
  hostAllowed,
  hostName,
  hostRefusal,
  type Logger,
  type StressLevel,
  type StressState,
  ValidationError,
} from "../core/index.js";
import type { Decision, RuleRegistry } from "../rules/index.js";
import type { ActionLogEntry } from "../store/index.js";
import { FailureLimiter, tokenMatches } from "./auth.js";
import {
  ActionLogEntrySchema,
  DecisionSchema,
  DryRunBodySchema,
  ErrorBodySchema,
  type Health,
  HealthSchema,
  PersonSchema,
  RuleEntrySchema,
} from "./schemas.js";
import { describeAction } from "./words.js";

export interface DryRunReading {
  person: string;
  score: number;
  level?: StressLevel | undefined;
  previous_score?: number | undefined;
}

/** What the HTTP API needs from the hub; the Hub satisfies it, tests may pass their own. */
export interface ApiDeps {
  token: string;
  logger: Logger;
  version: string;
  corsOrigins: readonly string[];
  /** Failed authentications one client may make per minute; past that it gets 429 until the minute ends. */
  authFailuresPerMin: number;
  /** Host names accepted besides loopback ones (DNS rebinding defence); see hostAllowed. */
  allowedHosts: readonly string[];
  /** The address the server listens on: decides whether non-loopback IP literals are accepted as Host. */
  listenHost: string;
  now(): number;
  health(): Health;
  recentActions(limit: number, person?: string): ActionLogEntry[];
  rules: RuleRegistry;
  dryRun(rule: Rule, reading: DryRunReading): Decision[];
  people(): { id: string; name: string; state: StressState | null }[];
  exportPerson(id: string): Record<string, unknown>;
  deletePerson(id: string): Record<string, number>;
}

export type ApiPlugin = (app: FastifyInstance, deps: ApiDeps) => void | Promise<void>;

declare module "fastify" {
  interface FastifyContextConfig {
    /** A route that answers without the bearer token. Everything else, unknown paths included, needs it. */
    public?: boolean;
  }
}

/** Route options for the few routes anyone on an allowed Host may read: health and the dashboard's files. */
export const PUBLIC_ROUTE = { config: { public: true } } as const;

/** Headers on every response; the dashboard page and the API docs set their own Content-Security-Policy. */
const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-resource-policy": "same-origin",
} as const;
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
const STATUS_BY_CODE: Record<string, number> = {
  CALM_ERR_RULE_INVALID: 400,
  CALM_ERR_CONFIG_INVALID: 400,
  CALM_ERR_USAGE: 400,
  CALM_ERR_RULE_NOT_FOUND: 404,
  CALM_ERR_NOT_FOUND: 404,
  CALM_ERR_SERVICE_NOT_ALLOWED: 403,
};

export interface RegisteredRoute {
  method: string;
  url: string;
  public: boolean;
}
const ROUTES = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every route fastify registered on an API from buildApi, as its onRoute hook saw them (plugins included). */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return ROUTES.get(app) ?? [];
}

/** Builds the API without listening; the hub calls listen(). `extra` adds route groups (dashboard, SSE …). */
export async function buildApi(deps: ApiDeps, extra: ApiPlugin[] = []): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    // Request lines are info-level noise (and URLs can name people); only warnings and errors go out.
    loggerInstance: deps.logger.child({ component: "api" }, { level: "warn" }) as FastifyBaseLogger,
    bodyLimit: 256 * 1024,
  });
  const routes: RegisteredRoute[] = [];
  ROUTES.set(app, routes);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat())
      routes.push({ method, url: route.url, public: route.config?.public === true });
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: "Calm Hub API",
        version: deps.version,
        description: "Every route but /api/health needs `Authorization: Bearer <token>`.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // The docs page runs Swagger UI's own scripts: its plugin sets a CSP that lets exactly those run.
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs", staticCSP: true });

  const failures = new FailureLimiter(deps.authFailuresPerMin);
  const refusedHosts = new FailureLimiter(1);
  const log = deps.logger.child({ component: "api" });
  app.addHook("onRequest", async (req, reply) => {
    // Before anything else, health and the dashboard included: a rebinding page must learn nothing.
    if (!hostAllowed(req.headers.host, { allowed: deps.allowedHosts, listen: deps.listenHost })) {
      const name = hostName(req.headers.host) ?? "(none)";
      // One line per foreign name a minute: a rebinding page retries in a loop.
      if (refusedHosts.fail(name, deps.now()))
        log.warn(
          { host: name, ip: req.ip },
          "request with a foreign Host header refused (http.allowed_hosts)",
        );
      return reply.code(403).send(hostRefusal(req.headers.host, "http.allowed_hosts"));
    }
    const origin = req.headers.origin;
    if (origin && deps.corsOrigins.includes(origin)) {
      reply.header("access-control-allow-origin", origin);
      reply.header("vary", "origin");
      if (req.method === "OPTIONS") {
        reply.header("access-control-allow-headers", "authorization, content-type");
        reply.header("access-control-allow-methods", "GET, PUT, POST, DELETE");
        return reply.code(204).send();
      }
    }
    // Decided by the route the router matched (after it decoded the path), never by the URL string.
    if (req.routeOptions.config.public === true) return;
    if (tokenMatches(req.headers.authorization, deps.token)) return;
    // Only failures count, per client: a flood of wrong tokens never locks out the right one.
    if (failures.blocked(req.ip, deps.now())) {
      return reply
        .code(429)
        .send({ code: "CALM_ERR_RATE_LIMIT", message: "too many failed authentications; wait a minute" });
    }
    failures.fail(req.ip, deps.now());
    return reply.code(401).send({ code: "CALM_ERR_UNAUTHORIZED", message: "missing or wrong bearer token" });
  });
  app.addHook("onSend", async (_req, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    if (!reply.hasHeader("content-security-policy")) reply.header("content-security-policy", API_CSP);
    return payload;
  });

  app.setErrorHandler((err, _req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      return reply.code(400).send({
        code: "CALM_ERR_BAD_REQUEST",
        message: "request does not match the schema",
        issues: err.validation.map((v) => ({
          path: v.instancePath.replace(/^\//, "").replaceAll("/", ".") || "(body)",
          message: v.message ?? "invalid",
        })),
      });
    }
    if (err instanceof ValidationError) {
      return reply
        .code(STATUS_BY_CODE[err.code] ?? 400)
        .send({ code: err.code, message: err.message, issues: err.issues });
    }
    if (err instanceof HubError)
      return reply.code(STATUS_BY_CODE[err.code] ?? 409).send({ code: err.code, message: err.message });
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status < 500) {
      return reply.code(status).send({
        code: (err as { code?: string }).code ?? "CALM_ERR_BAD_REQUEST",
        message: (err as Error).message,
      });
    }
    deps.logger.error({ component: "api", err: (err as Error).message }, "request failed");
    return reply.code(500).send({ code: "CALM_ERR_INTERNAL", message: "Internal Server Error" });
  });

  // Fastify's own 404 body has no `code`; every error this API sends has the same {code, message} shape.
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ code: "CALM_ERR_NOT_FOUND", message: `no route ${req.method} ${req.url.split("?")[0]}` }),
  );

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

  for (const plugin of extra) await plugin(app, deps);
  return app;
}
