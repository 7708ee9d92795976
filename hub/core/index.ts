export { background } from "./background.js";
export { type BusSubscriber, EventBus } from "./bus.js";
export {
  addDays,
  type CalendarDate,
  eveningDateOf,
  eveningMinutes,
  inWindow,
  isDate,
  isTime,
  minutesOfDay,
  parseDate,
  parseHhmm,
  parseTime,
  type WallTime,
  WEEKDAYS,
  type Weekday,
  weekdayOf,
} from "./calendar.js";
export {
  type ActionCause,
  type ActionCauseKind,
  ActionCauseKindSchema,
  ActionCauseSchema,
  type CauseOrigin,
  displayName,
} from "./cause.js";
export { type Cancel, type Clock, FakeClock, systemClock } from "./clock.js";
export { type Component, component, Lifecycle, Subscriptions } from "./component.js";
export {
  ERROR_CODES,
  ERROR_STATUS,
  type ErrorBody,
  errorBody,
  HubError,
  type HubErrorCode,
  type Issue,
  isHubErrorCode,
  toError,
  ValidationError,
} from "./errors.js";
export {
  ACTION_RESULTS,
  type ActionOrigin,
  type ActionOutcome,
  type ActionResult,
  ActionResultSchema,
  type BreathingEvent,
  type Decision,
  type DecisionOutcome,
  type EpisodeEndReason,
  EpisodeEndReasonSchema,
  type EpisodeView,
  type HubEvents,
  type IngestedSample,
  type LinkStates,
  type MoodEvent,
  type PlannedAction,
  type VoiceEvent,
  type WindDownEvent,
} from "./events.js";
export { type HostPolicy, hostAllowed, hostName, hostRefusal, isLoopback } from "./host-check.js";
export {
  PERSON_ID_PATTERN,
  PersonIdSchema,
  ROOM_ID_PATTERN,
  RoomIdSchema,
  RULE_ID_PATTERN,
  RuleIdSchema,
} from "./ids.js";
export { createRootLogger, type Logger, type LoggerOptions, REDACT_PATHS, silentLogger } from "./logger.js";
export {
  MOOD_SOURCES,
  MOOD_VALENCE,
  MOODS,
  type Mood,
  MoodSchema,
  type MoodSource,
  MoodSourceSchema,
  moodTitle,
} from "./mood.js";
export { own } from "./own.js";
export {
  inQuietHours,
  MAX_NOTIFICATION_ACTIONS,
  type NotificationAction,
  NotificationEventSchema,
  notifyServiceName,
  PHONE_NOTIFICATION_EVENTS,
  type PhoneNotificationEvent,
} from "./phone.js";
export { type Random, seededRandom } from "./random.js";
export { PLAUSIBLE_RANGES, plausible, type RangedMetric } from "./ranges.js";
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
export { withTimeout } from "./timeout.js";
export { uniqueId } from "./unique.js";
export {
  formatZoned,
  isTimeZone,
  type LocalDateTime,
  type LocalTime,
  localDate,
  localParts,
  localTime,
  offsetMinutesAt,
  zonedInstant,
} from "./zoned-time.js";
