import type { Condition, Rule, RuleAction, Trigger } from "../config/index.js";
import {
  type ActionCause,
  type Decision,
  displayName,
  inWindow,
  localTime,
  type PlannedAction,
  parseHhmm,
  type StressState,
} from "../core/index.js";

export type { Decision, DecisionOutcome, PlannedAction } from "../core/index.js";

export interface StressEvent {
  person: string;
  state: StressState;
  /** The person's estimate before this one, if any. */
  previous?: StressState | undefined;
  reading_id?: string | undefined;
  /** The person's configured name, for the action log's words. */
  name?: string | undefined;
}

export interface RuleContext {
  now: number;
  timeZone: string;
  /** When this rule last fired for this person (epoch ms), if ever. */
  lastFired(ruleId: string, person: string): number | undefined;
}

export function triggerMatches(trigger: Trigger, event: StressEvent): boolean {
  const prev = event.previous;
  switch (trigger.type) {
    case "stress":
      return event.state.score >= trigger.above && (prev === undefined || prev.score < trigger.above);
    case "level":
      return event.state.level === trigger.to && prev?.level !== trigger.to;
  }
}

export function conditionHolds(condition: Condition, event: StressEvent, ctx: RuleContext): boolean {
  if (condition.type === "level") return condition.in.includes(event.state.level);
  const local = localTime(ctx.now, ctx.timeZone);
  if (condition.weekdays && !condition.weekdays.some((d) => d === local.weekday)) return false;
  return inWindow(
    local.minutes,
    condition.after === undefined ? undefined : parseHhmm(condition.after),
    condition.before === undefined ? undefined : parseHhmm(condition.before),
  );
}

/** Replaces `{person}` in every string of an action's target and data. */
export function substitutePerson<T>(value: T, person: string): T {
  if (typeof value === "string") return value.replaceAll("{person}", person) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => substitutePerson(v, person)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitutePerson(v, person);
    return out as T;
  }
  return value;
}

export function planAction(
  action: RuleAction,
  index: number,
  rule: Pick<Rule, "id" | "ttl_s">,
  event: StressEvent,
  now: number,
): PlannedAction {
  const resolved = substitutePerson(action, event.person);
  const [domain = "", service = ""] = resolved.action.split(".");
  const planned: PlannedAction = {
    key: `${rule.id}:${event.person}:${event.state.at}:${index}`,
    rule_id: rule.id,
    person: event.person,
    domain,
    service,
    created_at: now,
    not_after: now + rule.ttl_s * 1000,
    trigger: {
      score: event.state.score,
      level: event.state.level,
      at: event.state.at,
      ...(event.reading_id === undefined ? {} : { reading_id: event.reading_id }),
      cause: ruleCause(rule.id, event),
    },
  };
  if (resolved.target) planned.target = resolved.target as Record<string, string | string[]>;
  if (resolved.data) planned.data = resolved.data;
  return planned;
}

/** One rule firing on one reading is one decision: all its actions share the cause. */
export function ruleCause(ruleId: string, event: StressEvent): ActionCause {
  const why = `${displayName(event.person, event.name)}'s stress was ${event.state.level} (${Math.round(event.state.score)})`;
  return {
    kind: "reading",
    id: `${ruleId}:${event.person}:${event.state.at}`,
    why,
    summary: `${why} → rule ${ruleId}`,
  };
}

/**
 * Decides what every rule does with one new stress estimate. Only rules whose trigger matches produce a
 * decision; a matching rule held back by its cooldown or conditions says so, so that "why did nothing
 * happen?" has an answer too.
 */
export function evaluateRules(rules: readonly Rule[], event: StressEvent, ctx: RuleContext): Decision[] {
  const decisions: Decision[] = [];
  for (const rule of rules) {
    if (rule.people && !rule.people.includes(event.person)) continue;
    if (!triggerMatches(rule.trigger, event)) continue;
    const base = { rule_id: rule.id, person: event.person, actions: [] as PlannedAction[] };
    if (!rule.enabled) {
      decisions.push({ ...base, outcome: "disabled", detail: "rule is disabled" });
      continue;
    }
    const last = ctx.lastFired(rule.id, event.person);
    if (last !== undefined && ctx.now - last < rule.cooldown_s * 1000) {
      const left = Math.ceil((rule.cooldown_s * 1000 - (ctx.now - last)) / 1000);
      decisions.push({ ...base, outcome: "cooldown", detail: `cooling down for ${left} s more` });
      continue;
    }
    const failed = rule.conditions.findIndex((c) => !conditionHolds(c, event, ctx));
    if (failed >= 0) {
      decisions.push({ ...base, outcome: "conditions", detail: `condition ${failed + 1} does not hold` });
      continue;
    }
    decisions.push({
      ...base,
      outcome: "fired",
      detail: describeTrigger(rule.trigger),
      actions: rule.actions.map((a, i) => planAction(a, i, rule, event, ctx.now)),
    });
  }
  return decisions;
}

export function describeTrigger(trigger: Trigger): string {
  return trigger.type === "stress" ? `stress reached ${trigger.above}` : `stress level became ${trigger.to}`;
}
