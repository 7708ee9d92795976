import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyPluginOptions,
} from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Rule } from "../config/index.js";
import type { Logger, StressLevel, StressState } from "../core/index.js";
import type { Decision, RuleRegistry } from "../rules/index.js";
import type { ActionLogEntry } from "../store/index.js";
import { authGuard, corsGuard, handleErrors, hostGuard } from "./guard.js";
import { hubRoutes } from "./routes.js";
import type { Health } from "./schemas.js";

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

/**
 * A route group from another folder (dashboard, voice …). buildApi registers each as a fastify plugin of its
 * own, so hooks it adds stay inside it; {@link routeGroup} turns a fastify plugin and its options into one.
 */
export type ApiPlugin = (app: FastifyInstance, deps: ApiDeps) => void | Promise<void>;

/** A fastify plugin with the dependencies it is registered with, as an {@link ApiPlugin}. */
export function routeGroup<O extends FastifyPluginOptions>(
  plugin: FastifyPluginAsync<O>,
  options: O,
): ApiPlugin {
  return async (app) => {
    await app.register(plugin, options);
  };
}

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

/** Builds the API without listening; the hub calls listen(). `extra` adds route groups (dashboard, stream …). */
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
  handleErrors(app, deps.logger);

  // In this order on every request: Host, then CORS (an allowed origin's preflight needs no token), then auth.
  await app.register(hostGuard, {
    allowedHosts: deps.allowedHosts,
    listenHost: deps.listenHost,
    logger: deps.logger,
    now: deps.now,
  });
  await app.register(corsGuard, { origins: deps.corsOrigins });
  await app.register(authGuard, { token: deps.token, failuresPerMin: deps.authFailuresPerMin });

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

  await app.register(hubRoutes, deps);
  for (const plugin of extra) await app.register(async (scope) => plugin(scope, deps));
  return app;
}
