export {
  type ApiDeps,
  type ApiPlugin,
  buildApi,
  type DryRunReading,
  PUBLIC_ROUTE,
  type RegisteredRoute,
  registeredRoutes,
} from "./app.js";
export { FailureLimiter, tokenMatches } from "./auth.js";
export {
  DEFAULT_EVENT_MAPPERS,
  type EventMapper,
  type EventSourceLike,
  type EventsStreamOptions,
  eventsStreamPlugin,
  SSE_HEARTBEAT_MS,
} from "./events-stream.js";
export { LiveStream } from "./live.js";
export { Metrics, metricsRoutes } from "./metrics.js";
export {
  type ActionSubmitter,
  type RunAction,
  type RunActionBody,
  RunActionBodySchema,
  type RunActionResult,
  RunActionResultSchema,
  runActionPlugin,
  runViaActionRunner,
} from "./run-action.js";
export { ErrorBodySchema, type Health, HealthSchema } from "./schemas.js";
export { resolveApiToken, TOKEN_FILE } from "./token-file.js";
export { type EpisodeSource, type EpisodeView, isRunning, viewRoutes } from "./views.js";
export { describeAction } from "./words.js";
