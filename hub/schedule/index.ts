export { DEFAULT_SCHEDULE_DAYS, parseScheduleArgs, SCHEDULE_USAGE, type ScheduleArgs } from "./args.js";
export { addDays, isDate, isTime, WEEKDAYS, type Weekday, weekdayOf } from "./calendar.js";
export {
  type BedtimeStart,
  BedtimeStartSchema,
  type LightSetting,
  LightSettingSchema,
  LocalTimeSchema,
  type Location,
  LocationSchema,
  type Steps,
  StepsSchema,
  type SunEvent,
  SunEventSchema,
  type SunStart,
  SunStartSchema,
  WeekdaySchema,
  type WindDownConfig,
  type WindDownConfigInput,
  WindDownConfigSchema,
  WindDownListSchema,
} from "./config.js";
export { formatSchedule, type ScheduleEntry, toScheduleEntry } from "./format.js";
export { nextWindDown } from "./next.js";
export {
  type PlanOptions,
  planWindDowns,
  stepCount,
  type WindDownAnchor,
  type WindDownPlan,
} from "./plan.js";
export {
  DEFAULT_START_STATE,
  handBackAt,
  type StartState,
  type StepPosition,
  stepAt,
  type WindDownStep,
  windDownSteps,
} from "./steps.js";
export { type SunEventTime, sunEventOn } from "./sun-events.js";
export { type WindDownProgress, WindDownRunner, type WindDownRunnerDeps } from "./wind-down-runner.js";
export { formatZoned, isTimeZone, localDate, offsetMinutesAt, zonedInstant } from "./zoned-time.js";
