import { z } from "zod";
import { RuleSchema } from "../config/index.js";
import {
  ActionCauseSchema,
  ERROR_CODES,
  type HubErrorCode,
  StressLevelSchema,
  StressStateSchema,
} from "../core/index.js";

export const ErrorBodySchema = z.object({
  // The closed list: a reply with any other code fails serialization instead of reaching a client.
  code: z.enum(ERROR_CODES as [HubErrorCode, ...HubErrorCode[]]).describe("hub/core/errors.ts"),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const LinkStateSchema = z
  .string()
  .describe("online, offline, connecting, auth_failed, disabled or stopped");

export const HealthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  mqtt: LinkStateSchema,
  home_assistant: LinkStateSchema,
  version: z.string(),
  uptime_s: z.number(),
});
export type Health = z.infer<typeof HealthSchema>;

export const ActionLogEntrySchema = z.object({
  key: z.string(),
  at: z.number(),
  rule_id: z.string(),
  person: z.string(),
  trigger: z.object({
    score: z.number(),
    level: z.string(),
    at: z.number(),
    reading_id: z.string().optional(),
    cause: ActionCauseSchema.optional(),
  }),
  call: z.object({
    domain: z.string(),
    service: z.string(),
    target: z.unknown().optional(),
    data: z.unknown().optional(),
  }),
  result: z.string(),
  detail: z.string(),
  latency_ms: z.number().nullable(),
  summary: z.string().describe("The entry in words: why the hub did what it did."),
});

export const RuleEntrySchema = z.object({
  rule: RuleSchema,
  origin: z.enum(["config", "api", "node-red"]),
  updated_at: z.number(),
});

export const DryRunBodySchema = z.strictObject({
  person: z.string().min(1).max(64),
  score: z.number().min(0).max(100),
  level: StressLevelSchema.optional(),
  previous_score: z.number().min(0).max(100).optional(),
});

export const DecisionSchema = z.object({
  rule_id: z.string(),
  person: z.string(),
  outcome: z.string(),
  detail: z.string(),
  actions: z.array(
    z.object({
      domain: z.string(),
      service: z.string(),
      target: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
      data: z.record(z.string(), z.unknown()).optional(),
      not_after: z.number(),
    }),
  ),
});

export const PersonSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: StressStateSchema.nullable(),
});
