export {
  type ActionCause,
  type ActionCauseKind,
  ActionCauseKindSchema,
  ActionCauseSchema,
  type CauseOrigin,
  displayName,
} from "./cause.js";
export { type Cancel, type Clock, FakeClock, systemClock } from "./clock.js";
export { HubError, type HubErrorCode, type Issue, toError, ValidationError } from "./errors.js";
export { type HostPolicy, hostAllowed, hostName, hostRefusal, isLoopback } from "./host-check.js";
export { inWindow, type LocalTime, localTime, parseHhmm } from "./local-time.js";
export { createRootLogger, type Logger, type LoggerOptions, REDACT_PATHS, silentLogger } from "./logger.js";
export { own } from "./own.js";
export {
  type Activity,
  ActivitySchema,
  type AdapterContext,
  type ParseResult,
  type RejectReason,
  RejectReasonSchema,
  type Sample,
  SampleSchema,
  type SleepState,
  SleepStateSchema,
  type WearableAdapter,
} from "./sample.js";
export {
  allowEntryProblem,
  callRefusal,
  DEFAULT_ALLOWED_SERVICES,
  ENTITY_ID_PATTERN,
  SENSITIVE_DOMAINS,
  type ServiceCall,
  serviceAllowed,
} from "./service-policy.js";
export { type StressLevel, StressLevelSchema, type StressState, StressStateSchema } from "./stress.js";
