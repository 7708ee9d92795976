// Weekly insights: the daily log (hourly stress and daily steps and sleep, stored), the pure summary, its route.
export { type InsightRouteDeps, insightRoutes } from "./api.js";
export {
  type ActivityDay,
  computeInsights,
  type InsightInput,
  type Insights,
  InsightsSchema,
  MIN_DAYS,
  type RecipeOutcome,
  type StressHour,
  significant,
  spearman,
} from "./compute.js";
export { ACTIVITY_DAY_SCOPE, DailyLog, lastDays, STRESS_HOUR_SCOPE } from "./daily-log.js";
export { demoHistory } from "./demo-history.js";
export { readInsightInput } from "./read.js";
