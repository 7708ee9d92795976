/**
 * What stands in front of every route, as plugins that apply to the whole server (fastify-plugin, so their
 * hooks are not encapsulated), in the order they run: the Host allow-list and security headers, CORS for the
 * configured origins, bearer authentication with a limit on failed attempts, and the one error handler.
 */
import fastifyBearerAuth from "@fastify/bearer-auth";
import fastifyCors from "@fastify/cors";
import fastifyRateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { HubError, hostAllowed, hostName, hostRefusal, type Logger } from "../core/index.js";
import { FailureLimiter } from "./auth.js";
import { errorReply } from "./error-reply.js";

/** Headers on every response; the dashboard page and the API docs set their own Content-Security-Policy. */
const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-resource-policy": "same-origin",
} as const;
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export interface HostGuardOptions {
  /** Host names accepted besides loopback ones (DNS rebinding defence); see hostAllowed. */
  allowedHosts: readonly string[];
  /** The address the server listens on: decides whether non-loopback IP literals are accepted as Host. */
  listenHost: string;
  logger: Logger;
  now(): number;
}

/** Refuses a foreign Host before anything else, health and the dashboard included: a rebinding page learns nothing. */
export const hostGuard = fp<HostGuardOptions>(async (app, o) => {
  const refusedHosts = new FailureLimiter(1);
  const log = o.logger.child({ component: "api" });
  app.addHook("onRequest", async (req, reply) => {
    // Set here, not only on send: a hijacked reply (an event stream) copies what is set by now.
    reply.headers(SECURITY_HEADERS);
    if (hostAllowed(req.headers.host, { allowed: o.allowedHosts, listen: o.listenHost })) return;
    const name = hostName(req.headers.host) ?? "(none)";
    // One line per foreign name a minute: a rebinding page retries in a loop.
    if (refusedHosts.fail(name, o.now()))
      log.warn({ host: name, ip: req.ip }, "request with a foreign Host header refused (http.allowed_hosts)");
    const refusal = hostRefusal(req.headers.host, "http.allowed_hosts");
    throw new HubError(refusal.code, refusal.message);
  });
  app.addHook("onSend", async (_req, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    if (!reply.hasHeader("content-security-policy")) reply.header("content-security-policy", API_CSP);
    return payload;
  });
});

/** CORS for exactly the configured origins; any other origin's preflight is an unauthenticated request. */
export const corsGuard = fp<{ origins: readonly string[] }>(async (app, o) => {
  await app.register(fastifyCors, {
    // `false` leaves the request alone: no CORS headers, and a foreign preflight meets the bearer check.
    origin: (origin, cb) => cb(null, origin !== undefined && o.origins.includes(origin) ? origin : false),
    methods: ["GET", "PUT", "POST", "DELETE"],
    allowedHeaders: ["authorization", "content-type", "last-event-id"],
  });
});

export interface AuthGuardOptions {
  token: string;
  /** Failed authentications one client may make per minute; past that it gets 429 until the minute ends. */
  failuresPerMin: number;
}

/**
 * Bearer authentication (@fastify/bearer-auth) decided by the route the router matched, after it decoded the
 * path, never by the URL string. Only failures are counted (@fastify/rate-limit's store, per client address),
 * so a flood of wrong tokens never locks out the right one, health or the dashboard.
 */
export const authGuard = fp<AuthGuardOptions>(async (app, o) => {
  await app.register(fastifyRateLimit, { global: false, max: o.failuresPerMin, timeWindow: 60_000 });
  await app.register(fastifyBearerAuth, { keys: [o.token], addHook: false, verifyErrorLogLevel: "debug" });
  const verify = app.verifyBearerAuth;
  if (!verify) throw new Error("@fastify/bearer-auth did not decorate verifyBearerAuth");
  const countFailure = app.createRateLimit();
  app.addHook("onRequest", async (req, reply) => {
    if (req.routeOptions.config.public === true) return;
    const refused = await new Promise<Error | undefined>((resolve) => verify(req, reply, resolve));
    if (refused === undefined) return;
    const limit = await countFailure(req);
    if (!limit.isAllowed && limit.isExceeded) {
      reply.header("retry-after", String(limit.ttlInSeconds));
      throw new HubError("CALM_ERR_RATE_LIMIT", "too many failed authentications; wait a minute");
    }
    throw new HubError("CALM_ERR_UNAUTHORIZED", "missing or wrong bearer token");
  });
});

/** One error handler and one not-found handler for the whole API; set on the root so every plugin inherits them. */
export function handleErrors(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((err, _req, reply) => {
    const { status, body } = errorReply(err, log);
    return reply.code(status).send(body);
  });
  // Fastify's own 404 body has no `code`; every error this API sends has the same {code, message} shape.
  app.setNotFoundHandler((req) => {
    throw new HubError("CALM_ERR_NOT_FOUND", `no route ${req.method} ${req.url.split("?")[0]}`);
  });
}
