import { noParamsSchema, parseOrInvalid } from "../client-messages.js";
import type { CommandHandler } from "./command-types.js";

export const registryCommands: Record<string, CommandHandler> = {
  "config/area_registry/list": (connection, message) => {
    parseOrInvalid(noParamsSchema, message);
    connection.sendResult(message.id, connection.home.registries.listAreas());
  },
  "config/device_registry/list": (connection, message) => {
    parseOrInvalid(noParamsSchema, message);
    connection.sendResult(message.id, connection.home.registries.listDevices());
  },
  "config/entity_registry/list": (connection, message) => {
    parseOrInvalid(noParamsSchema, message);
    connection.sendResult(message.id, connection.home.registries.listEntities());
  },
  "config/entity_registry/list_for_display": (connection, message) => {
    parseOrInvalid(noParamsSchema, message);
    connection.sendResult(message.id, connection.home.registries.listEntitiesForDisplay());
  },
  "config/floor_registry/list": (connection, message) => {
    parseOrInvalid(noParamsSchema, message);
    connection.sendResult(message.id, connection.home.registries.listFloors());
  },
  "config/label_registry/list": (connection, message) => {
    parseOrInvalid(noParamsSchema, message);
    connection.sendResult(message.id, connection.home.registries.listLabels());
  },
  // The simulated home has no NFC tags; HA answers an empty storage collection the same way.
  "tag/list": (connection, message) => {
    parseOrInvalid(noParamsSchema, message);
    connection.sendResult(message.id, []);
  },
};
