import type { FastifyInstance } from "fastify";
import type { ApiDeps, ApiPlugin } from "./deps.js";

/**
 * Builds the API (fastify, its plugins and the API docs). They are a third of the hub's start-up imports, so
 * they load here, when the API starts — after MQTT and Home Assistant, so that the first reading is acted on
 * without waiting for the web server's code.
 */
export async function buildApi(deps: ApiDeps, extra: ApiPlugin[] = []): Promise<FastifyInstance> {
  const { buildApi: build } = await import("./app.js");
  return build(deps, extra);
}
export { FailureLimiter } from "./auth.js";
export type { ApiDeps, ApiPlugin, DryRunReading } from "./deps.js";
export { errorReply } from "./error-reply.js";
export { LATENCY_BUCKETS_S, Metrics, type MetricsSources, metricsRoutes } from "./metrics.js";
export { type RegisteredRoute, registeredRoutes, routeGroup } from "./route-group.js";
export { PUBLIC_ROUTE } from "./route-options.js";
export {
  type ActionSubmitter,
  type RunAction,
  type RunActionBody,
  RunActionBodySchema,
  type RunActionResult,
  RunActionResultSchema,
  runActionPlugin,
  runActionRoutes,
  runViaActionRunner,
} from "./run-action.js";
export { ErrorBodySchema, type Health, HealthSchema } from "./schemas.js";
export {
  EventStream,
  type EventStreamOptions,
  SSE_HEARTBEAT_MS,
  STREAM_EVENT_TYPES,
  STREAM_EVENTS,
  STREAM_PATH,
  type StreamEventData,
  type StreamEventType,
  streamHubEvents,
  streamRoutes,
} from "./stream.js";
export { resolveApiToken, TOKEN_FILE } from "./token-file.js";
export {
  BreathingStatusSchema,
  type BreathingStatusView,
  type EpisodeSource,
  type EpisodeView,
  EpisodeViewSchema,
  isRunning,
  toEpisodeView,
  type ViewDeps,
  viewRoutes,
} from "./views.js";
export { type DecisionGroup, DecisionGroupSchema, describeAction, groupActions } from "./words.js";
