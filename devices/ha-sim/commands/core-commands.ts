import {
  callServiceSchema,
  conversationProcessSchema,
  fireEventSchema,
  noParamsSchema,
  parseOrInvalid,
  supportedFeaturesSchema,
} from "../client-messages.js";
import { newContext } from "../context-id.js";
import { unauthorized } from "../ha-error.js";
import { pongMessage } from "../server-messages.js";
import { executeServiceCall } from "../services/call-service.js";
import { toHaState } from "../stored-state.js";
import type { CommandHandler } from "./command-types.js";

export const coreCommands: Record<string, CommandHandler> = {
  supported_features: (connection, message) => {
    const { features } = parseOrInvalid(supportedFeaturesSchema, message);
    if ("coalesce_messages" in features) connection.enableCoalescing();
    connection.sendResult(message.id, null);
  },

  ping: (connection, message) => {
    parseOrInvalid(noParamsSchema, message);
    connection.send(pongMessage(message.id));
  },

  get_states: (connection, message) => {
    parseOrInvalid(noParamsSchema, message);
    connection.sendResult(message.id, connection.home.states.all().map(toHaState));
  },

  get_config: (connection, message) => {
    parseOrInvalid(noParamsSchema, message);
    connection.sendResult(message.id, connection.home.config());
  },

  get_services: (connection, message) => {
    parseOrInvalid(noParamsSchema, message);
    connection.sendResult(message.id, connection.home.services.describe());
  },

  "auth/current_user": (connection, message) => {
    parseOrInvalid(noParamsSchema, message);
    connection.sendResult(message.id, {
      id: connection.userId,
      name: "Calm Hub",
      is_owner: false,
      is_admin: connection.isAdmin,
      credentials: [],
      mfa_modules: [],
    });
  },

  call_service: async (connection, message) => {
    const request = parseOrInvalid(callServiceSchema, message);
    const result = await executeServiceCall(connection.home, request, connection.userId);
    connection.sendResult(message.id, result);
  },

  fire_event: (connection, message) => {
    if (!connection.isAdmin) throw unauthorized();
    const request = parseOrInvalid(fireEventSchema, message);
    const context = newContext(connection.userId);
    connection.home.bus.fire(request.event_type, request.event_data ?? {}, "LOCAL", context);
    connection.sendResult(message.id, { context });
  },

  "conversation/process": (connection, message) => {
    const request = parseOrInvalid(conversationProcessSchema, message);
    const result = connection.home.conversation.process({
      text: request.text,
      language: request.language ?? connection.home.language,
      conversation_id: request.conversation_id ?? null,
      device_id: request.device_id ?? null,
      agent_id: request.agent_id ?? null,
      context: newContext(connection.userId),
    });
    connection.sendResult(message.id, result);
  },
};
