import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { ApiDeps, ApiPlugin } from "./deps.js";
import { authGuard, corsGuard, handleErrors, hostGuard } from "./guard.js";
import { recordRoutes } from "./route-group.js";
import { hubRoutes } from "./routes.js";

/** Builds the API without listening; the hub calls listen(). `extra` adds route groups (dashboard, stream …). */
export async function buildApi(deps: ApiDeps, extra: ApiPlugin[] = []): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    // Request lines are info-level noise (and URLs can name people); only warnings and errors go out.
    loggerInstance: deps.logger.child({ component: "api" }, { level: "warn" }) as FastifyBaseLogger,
    bodyLimit: 256 * 1024,
  });
  const routes = recordRoutes(app);
  app.addHook("onRoute", (route) => {
    // The API description holds no data (routes and schemas, as in the source), and a browser cannot send the
    // bearer token when it opens a link: the docs are public, like the dashboard's own files.
    if (route.url === "/api/docs" || route.url.startsWith("/api/docs/"))
      route.config = { ...route.config, public: true };
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
        description:
          "Every route but /api/health, the dashboard's files and these docs needs `Authorization: Bearer <token>`.",
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
