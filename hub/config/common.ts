import { z } from "zod";
import { WEEKDAYS } from "../core/index.js";

/** "HH:MM" on a 24-hour clock, the one way the config writes a local time. */
export const HhmmSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'expected a local time "HH:MM" (00:00 to 23:59)' });

export const WeekdaySchema = z.enum(WEEKDAYS);

/** A companion app's notify service, the one way the config names a person's phone. */
export const NotifyServiceSchema = z
  .string()
  .regex(/^(notify\.)?mobile_app_[a-z0-9_]+$/, { message: "expected notify.mobile_app_<device>" });
