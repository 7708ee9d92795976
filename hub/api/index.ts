export { buildApi, type RegisteredRoute, registeredRoutes, routeGroup } from "./app.js";
export { FailureLimiter } from "./auth.js";
export type { ApiDeps, ApiPlugin, DryRunReading } from "./deps.js";
export { errorReply, PUBLIC_ROUTE } from "./guard.js";
export { LATENCY_BUCKETS_S, Metrics, type MetricsSources, metricsRoutes } from "./metrics.js";
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
