export {
  type Condition,
  ConditionSchema,
  type Rule,
  type RuleAction,
  RuleActionSchema,
  RULE_ID_PATTERN,
  type RuleInput,
  RuleSchema,
  type Trigger,
  TriggerSchema,
  WEEKDAYS,
} from "./schema.js";
export {
  conditionHolds,
  type Decision,
  type DecisionOutcome,
  describeTrigger,
  evaluateRules,
  type PlannedAction,
  planAction,
  type RuleContext,
  type StressEvent,
  substitutePerson,
  triggerMatches,
} from "./engine.js";
export { parseRule, type RuleEntry, type RuleOrigin, RuleRegistry, type RulePersistence } from "./registry.js";
