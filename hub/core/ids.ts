import { z } from "zod";

// The ids people write in the config, topics and the API. One definition each, so a person accepted on a
// topic is one the config could name, and a room a voice request resolves to is one the config has.

/** Person ids: they appear in MQTT topics and Home Assistant entity ids, so lowercase and short. */
export const PERSON_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;
/** Room ids: they become parts of Home Assistant entity ids (`button.calm_now_<room>`), so no `-`. */
export const ROOM_ID_PATTERN = /^[a-z0-9][a-z0-9_]{0,63}$/;
export const RULE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const PersonIdSchema = z
  .string()
  .regex(PERSON_ID_PATTERN, "person ids: lowercase letters, digits, - and _ (at most 32)");
export const RoomIdSchema = z
  .string()
  .regex(ROOM_ID_PATTERN, "room ids: lowercase letters, digits and _ (at most 64)");
export const RuleIdSchema = z
  .string()
  .regex(RULE_ID_PATTERN, "rule ids: lowercase letters, digits, - and _ (at most 64)");
