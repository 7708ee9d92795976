import { z } from "zod";
import { HaError } from "./ha-error.js";

export const authMessageSchema = z.object({
  type: z.literal("auth"),
  access_token: z.string(),
});

const stringOrList = z.union([z.string(), z.array(z.string())]);

/** HA's command schemas all extend one that allows no keys beyond those declared, so a misspelt or unknown
 * field (`data` for `service_data`, say) is refused with `invalid_format`, never silently dropped. */
function commandSchema<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject({ id: z.number().int(), type: z.string(), ...shape });
}

/** Commands that take nothing but their id and type (get_states, ping, the registry lists …). */
export const noParamsSchema = commandSchema({});

export const supportedFeaturesSchema = commandSchema({
  features: z.record(z.string(), z.number().int()),
});

// A nested mapping in a voluptuous schema forbids extra keys like its parent does.
export const targetSchema = z.strictObject({
  entity_id: stringOrList.optional(),
  device_id: stringOrList.optional(),
  area_id: stringOrList.optional(),
  floor_id: stringOrList.optional(),
  label_id: stringOrList.optional(),
});

const callServiceFields = {
  domain: z.string().min(1),
  service: z.string().min(1),
  service_data: z.record(z.string(), z.unknown()).optional(),
  target: targetSchema.optional(),
  return_response: z.boolean().default(false),
};
export const callServiceSchema = commandSchema(callServiceFields);
export type CallServiceMessage = z.infer<z.ZodObject<typeof callServiceFields>>;

export const subscribeEventsSchema = commandSchema({
  event_type: z.string().default("*"),
});

export const unsubscribeEventsSchema = commandSchema({
  subscription: z.number().int(),
});

const entityFilterSchema = z.object({
  entities: z.array(z.string()).optional(),
  domains: z.array(z.string()).optional(),
  entity_globs: z.array(z.string()).optional(),
});
export type EntityFilterConfig = z.infer<typeof entityFilterSchema>;

export const subscribeEntitiesSchema = commandSchema({
  entity_ids: z.array(z.string()).optional(),
  include: entityFilterSchema.optional(),
  exclude: entityFilterSchema.optional(),
});

const triggerConfigSchema = z.looseObject({
  platform: z.string().optional(),
  trigger: z.string().optional(),
  id: z.string().optional(),
  alias: z.string().optional(),
});
export type TriggerConfig = z.infer<typeof triggerConfigSchema>;

export const subscribeTriggerSchema = commandSchema({
  trigger: z.union([triggerConfigSchema, z.array(triggerConfigSchema)]),
  variables: z.record(z.string(), z.unknown()).optional(),
});

export const fireEventSchema = commandSchema({
  event_type: z.string().min(1),
  event_data: z.record(z.string(), z.unknown()).optional(),
});

export const conversationProcessSchema = commandSchema({
  text: z.string(),
  language: z.string().optional(),
  conversation_id: z.string().nullable().optional(),
  agent_id: z.string().optional(),
  device_id: z.string().nullable().optional(),
  extra_system_prompt: z.string().optional(),
});

/** Renders a zod failure in the voluptuous style HA's `invalid_format` messages use. */
export function humanizeIssues(error: z.ZodError): string {
  return error.issues
    .flatMap((issue) => {
      const path = issue.path.map((part) => `['${String(part)}']`).join("");
      if (issue.code === "unrecognized_keys")
        return issue.keys.map((key) => `extra keys not allowed @ data${path}['${key}']`);
      const what =
        issue.code === "invalid_type" && issue.input === undefined
          ? "required key not provided"
          : issue.message;
      return path ? `${what} @ data${path}` : what;
    })
    .join(", ");
}

/** Parses a command body; a schema failure becomes `invalid_format`, like a voluptuous `Invalid`. */
export function parseOrInvalid<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new HaError("invalid_format", humanizeIssues(parsed.error));
  return parsed.data;
}
