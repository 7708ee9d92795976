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
export {
  disallowedActions,
  parseRule,
  type RuleEntry,
  type RuleOrigin,
  type RulePersistence,
  RuleRegistry,
} from "./registry.js";
export {
  type Condition,
  ConditionSchema,
  RULE_ID_PATTERN,
  type Rule,
  type RuleAction,
  RuleActionSchema,
  type RuleInput,
  RuleSchema,
  type Trigger,
  TriggerSchema,
  WEEKDAYS,
} from "./schema.js";
