import { z } from "zod";
import { humanizeIssues, type TriggerConfig } from "./client-messages.js";
import { jsonEqual } from "./deep-equal.js";
import { HaError } from "./ha-error.js";
import type { SimHome } from "./sim-home.js";
import { type StoredState, toHaState } from "./stored-state.js";
import type { HaContext } from "./types.js";

export type TriggerFire = (variables: Record<string, unknown>, context: HaContext | null) => void;

const stringOrList = z.union([z.string(), z.array(z.string())]);
const matchValue = z.union([z.string(), z.array(z.string()), z.null()]);

const stateTriggerSchema = z.looseObject({
  entity_id: stringOrList,
  from: matchValue.optional(),
  to: matchValue.optional(),
  attribute: z.string().optional(),
});

const eventTriggerSchema = z.looseObject({
  event_type: stringOrList,
  event_data: z.record(z.string(), z.unknown()).optional(),
});

const conversationTriggerSchema = z.looseObject({
  command: stringOrList,
});

function parseTrigger<T extends z.ZodType>(schema: T, config: TriggerConfig): z.infer<T> {
  const parsed = schema.safeParse(config);
  if (!parsed.success) throw new HaError("invalid_format", humanizeIssues(parsed.error));
  return parsed.data;
}

function asList(value: string | string[]): string[] {
  return typeof value === "string" ? [value] : value;
}

/** `undefined` and `null` both match anything; a list matches any of its members. */
function matches(expected: string | string[] | null | undefined, actual: unknown): boolean {
  if (expected === undefined || expected === null) return true;
  return typeof expected === "string" ? expected === actual : expected.includes(String(actual));
}

function stateValue(state: StoredState | null, attribute: string | undefined): unknown {
  if (!state) return undefined;
  return attribute === undefined ? state.state : state.attributes[attribute];
}

/** Arms one trigger (platform state, event or conversation). Returns its disarm function. */
function armTrigger(home: SimHome, config: TriggerConfig, index: number, fire: TriggerFire): () => void {
  const platform = config.trigger ?? config.platform;
  const base = { id: config.id ?? String(index), idx: String(index), alias: config.alias ?? null, platform };
  switch (platform) {
    case "state": {
      const trigger = parseTrigger(stateTriggerSchema, config);
      const entityIds = asList(trigger.entity_id);
      // Without from/to a state trigger also fires on attribute-only changes.
      const matchAll = !("from" in config) && !("to" in config);
      return home.bus.listen(({ transition, event }) => {
        if (!transition?.newState || !entityIds.includes(transition.entityId)) return;
        const from = stateValue(transition.oldState, trigger.attribute);
        const to = stateValue(transition.newState, trigger.attribute);
        if (trigger.attribute !== undefined ? jsonEqual(from, to) : !matchAll && from === to) return;
        if (!matches(trigger.from, from) || !matches(trigger.to, to)) return;
        fire(
          {
            trigger: {
              ...base,
              entity_id: transition.entityId,
              from_state: transition.oldState ? toHaState(transition.oldState) : null,
              to_state: toHaState(transition.newState),
              for: null,
              attribute: trigger.attribute ?? null,
              description: `state of ${transition.entityId}`,
            },
          },
          event.context,
        );
      });
    }
    case "event": {
      const trigger = parseTrigger(eventTriggerSchema, config);
      const types = asList(trigger.event_type);
      return home.bus.listen(({ event }) => {
        if (!types.includes(event.event_type)) return;
        const wanted = trigger.event_data ?? {};
        if (!Object.entries(wanted).every(([key, value]) => jsonEqual(event.data[key], value))) return;
        fire({ trigger: { ...base, event, description: `event '${event.event_type}'` } }, event.context);
      });
    }
    case "conversation": {
      const trigger = parseTrigger(conversationTriggerSchema, config);
      return home.conversation.register({
        commands: asList(trigger.command),
        onMatch: (sentence, slots, input) => {
          const details: Record<string, unknown> = {};
          for (const [name, value] of Object.entries(slots)) details[name] = { name, text: value, value };
          fire(
            {
              trigger: {
                ...base,
                sentence,
                slots,
                details,
                device_id: input.device_id,
                user_input: { ...input, context: { ...input.context } },
                description: "Conversation",
              },
            },
            input.context,
          );
        },
      });
    }
    default:
      throw new HaError("invalid_format", `Invalid trigger '${String(platform)}' specified`);
  }
}

export function armTriggers(home: SimHome, configs: TriggerConfig[], fire: TriggerFire): () => void {
  const disarms: (() => void)[] = [];
  try {
    configs.forEach((config, index) => {
      disarms.push(armTrigger(home, config, index, fire));
    });
  } catch (error) {
    for (const disarm of disarms) disarm();
    throw error;
  }
  return () => {
    for (const disarm of disarms) disarm();
  };
}
