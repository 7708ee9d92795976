import { z } from "zod";
import { RuleIdSchema, StressLevelSchema, serviceAllowed } from "../core/index.js";

import { HhmmSchema as HHMM, WeekdaySchema } from "./common.js";

export const StressTriggerSchema = z
  .strictObject({
    type: z.literal("stress"),
    above: z
      .number()
      .min(0)
      .max(100)
      .describe("Fires when a person's stress score reaches this value from below."),
  })
  .describe("The stress score crossing a threshold upwards.");

export const LevelTriggerSchema = z
  .strictObject({
    type: z.literal("level"),
    to: StressLevelSchema.describe("Fires when a person's stress level changes to this level."),
  })
  .describe("The stress level changing.");

export const TriggerSchema = z.discriminatedUnion("type", [StressTriggerSchema, LevelTriggerSchema]);
export type Trigger = z.infer<typeof TriggerSchema>;

export const TimeConditionSchema = z
  .strictObject({
    type: z.literal("time"),
    after: HHMM.optional().describe("Local time from which the rule may fire."),
    before: HHMM.optional().describe("Local time until which the rule may fire; may wrap past midnight."),
    weekdays: z.array(WeekdaySchema).min(1).optional(),
  })
  .refine((c) => c.after !== undefined || c.before !== undefined || c.weekdays !== undefined, {
    message: "a time condition needs after, before or weekdays",
  });

export const LevelConditionSchema = z.strictObject({
  type: z.literal("level"),
  in: z.array(StressLevelSchema).min(1),
});

export const ConditionSchema = z.union([TimeConditionSchema, LevelConditionSchema]);
export type Condition = z.infer<typeof ConditionSchema>;

const EntityIds = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** A Home Assistant action as written in HA's own automations; `{person}` is replaced in strings. */
export const RuleActionSchema = z.strictObject({
  action: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*\.[a-z0-9_{}]+$/, 'expected "domain.service", e.g. "scene.turn_on"')
    .describe("Home Assistant action (service) to call."),
  target: z
    .strictObject({
      entity_id: EntityIds.optional(),
      area_id: EntityIds.optional(),
      device_id: EntityIds.optional(),
    })
    .optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type RuleAction = z.infer<typeof RuleActionSchema>;

export const RuleSchema = z.strictObject({
  id: RuleIdSchema,
  description: z.string().max(500).optional(),
  enabled: z.boolean().default(true),
  people: z.array(z.string().min(1)).min(1).optional().describe("Only these people; everyone when absent."),
  trigger: TriggerSchema,
  conditions: z.array(ConditionSchema).default([]),
  cooldown_s: z
    .number()
    .min(0)
    .default(60)
    .describe("After firing for a person, the rule stays quiet for that person this long."),
  ttl_s: z
    .number()
    .positive()
    .max(3600)
    .default(30)
    .describe("An action Home Assistant has not taken within this time is dropped, never replayed late."),
  actions: z.array(RuleActionSchema).min(1),
});
export type Rule = z.infer<typeof RuleSchema>;
export type RuleInput = z.input<typeof RuleSchema>;

/**
 * The rule's actions that call a service outside the allow-list (the hub's own `calm.*` always may). Entity
 * ids can hold `{person}` and are checked again when the action runs.
 */
export function disallowedActions(
  rule: Pick<Rule, "actions">,
  allowed: readonly string[],
): { action: number; message: string }[] {
  return rule.actions.flatMap((a, i) => {
    const [domain = "", service = ""] = a.action.split(".");
    if (domain === "calm" || a.action.includes("{") || serviceAllowed(allowed, domain, service)) return [];
    return [
      {
        action: i,
        message: `${a.action} is not an allowed service; add it to home_assistant.allowed_services to let rules call it`,
      },
    ];
  });
}
