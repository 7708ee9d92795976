import type { Rule } from "../config/index.js";
import type { Decision, StressLevel, StressState } from "../core/index.js";
import { evaluateRules } from "./engine.js";

export interface DryRunReading {
  person: string;
  score: number;
  level?: StressLevel | undefined;
  previous_score?: number | undefined;
}

export interface DryRunContext {
  now: number;
  timeZone: string;
  /** The detector's entry thresholds: which level a score alone would reach. */
  thresholds: { elevated: number; high: number };
}

/** What a rule would decide for a made-up reading, ignoring cooldowns and whether it is enabled. */
export function dryRunRule(rule: Rule, reading: DryRunReading, ctx: DryRunContext): Decision[] {
  const { now } = ctx;
  const level =
    reading.level ??
    (reading.score >= ctx.thresholds.high
      ? "high"
      : reading.score >= ctx.thresholds.elevated
        ? "elevated"
        : "calm");
  const state: StressState = {
    person: reading.person,
    level,
    score: reading.score,
    since: now,
    at: now,
    reason: "dry run",
    baseline_ready: true,
    actionable: true,
  };
  const previous: StressState | undefined =
    reading.previous_score === undefined
      ? undefined
      : { ...state, score: reading.previous_score, level: "calm" };
  return evaluateRules(
    [{ ...rule, enabled: true }],
    { person: reading.person, state, previous },
    { now, timeZone: ctx.timeZone, lastFired: () => undefined },
  );
}
