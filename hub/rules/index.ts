export { type DryRunContext, type DryRunReading, dryRunRule } from "./dry-run.js";
export {
  conditionHolds,
  type Decision,
  type DecisionOutcome,
  describeTrigger,
  evaluateRules,
  type PlannedAction,
  planAction,
  type RuleContext,
  ruleCause,
  type StressEvent,
  substitutePerson,
  triggerMatches,
} from "./engine.js";
export {
  parseRule,
  type RuleEntry,
  type RuleOrigin,
  type RulePersistence,
  RuleRegistry,
} from "./registry.js";
