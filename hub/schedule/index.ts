export {
  addDays,
  formatZoned,
  isDate,
  isTime,
  isTimeZone,
  localDate,
  offsetMinutesAt,
  WEEKDAYS,
  type Weekday,
  weekdayOf,
  zonedInstant,
} from "../core/index.js";
export { DEFAULT_SCHEDULE_DAYS, parseScheduleArgs, SCHEDULE_USAGE, type ScheduleArgs } from "./args.js";
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
export {
  type WindDownProgress,
  WindDownProgressSchema,
  WindDownRunner,
  type WindDownRunnerDeps,
} from "./wind-down-runner.js";
