import {
  parseOrInvalid,
  subscribeEntitiesSchema,
  subscribeEventsSchema,
  subscribeTriggerSchema,
  unsubscribeEventsSchema,
} from "../client-messages.js";
import { compressState, diffStates } from "../compressed-state.js";
import { entityFilter } from "../entity-filter.js";
import { mayNonAdminSubscribe } from "../event-permissions.js";
import { HaError, unauthorized } from "../ha-error.js";
import { armTriggers } from "../triggers.js";
import type { CommandHandler } from "./command-types.js";

const MATCH_ALL = "*";

export const subscriptionCommands: Record<string, CommandHandler> = {
  subscribe_events: (connection, message) => {
    const { event_type: eventType } = parseOrInvalid(subscribeEventsSchema, message);
    if (!connection.isAdmin && !mayNonAdminSubscribe(eventType)) throw unauthorized();
    const unsubscribe = connection.home.bus.listen(({ event }) => {
      if (eventType === MATCH_ALL || event.event_type === eventType) connection.sendEvent(message.id, event);
    });
    connection.addSubscription(message.id, unsubscribe);
    connection.sendResult(message.id, null);
  },

  unsubscribe_events: (connection, message) => {
    const { subscription } = parseOrInvalid(unsubscribeEventsSchema, message);
    if (!connection.removeSubscription(subscription)) {
      throw new HaError("not_found", "Subscription not found.");
    }
    connection.sendResult(message.id, null);
  },

  subscribe_entities: (connection, message) => {
    const request = parseOrInvalid(subscribeEntitiesSchema, message);
    const wanted = entityFilter(request.entity_ids, request.include, request.exclude);
    const { home } = connection;
    const unsubscribe = home.bus.listen(({ transition }) => {
      if (!transition || !wanted(transition.entityId)) return;
      const { entityId, oldState, newState } = transition;
      if (!newState) connection.sendEvent(message.id, { r: [entityId] });
      else if (!oldState) connection.sendEvent(message.id, { a: { [entityId]: compressState(newState) } });
      else connection.sendEvent(message.id, { c: { [entityId]: diffStates(oldState, newState) } });
    });
    connection.addSubscription(message.id, unsubscribe);
    connection.sendResult(message.id, null);
    const snapshot: Record<string, unknown> = {};
    for (const state of home.states.all()) {
      if (wanted(state.entityId)) snapshot[state.entityId] = compressState(state);
    }
    connection.sendEvent(message.id, { a: snapshot });
  },

  subscribe_trigger: (connection, message) => {
    if (!connection.isAdmin) throw unauthorized();
    const request = parseOrInvalid(subscribeTriggerSchema, message);
    const configs = Array.isArray(request.trigger) ? request.trigger : [request.trigger];
    const disarm = armTriggers(connection.home, configs, (variables, context) => {
      connection.sendEvent(message.id, { variables: { ...request.variables, ...variables }, context });
    });
    connection.addSubscription(message.id, disarm);
    connection.sendResult(message.id, null);
  },
};
