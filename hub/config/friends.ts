import { z } from "zod";
import { PersonIdSchema } from "../core/index.js";
import { HhmmSchema as HHMM, NotifyServiceSchema } from "./common.js";

export const FriendSchema = z.strictObject({
  name: z.string().trim().min(1).max(40).describe('How the notification names them: "Want to call Sam?"'),
  phone: z
    .string()
    .regex(/^\+?[0-9][0-9 ()./-]{2,24}$/, { message: "expected a phone number such as +49 30 1234567" })
    .describe("Dialled as tel:<digits>; spaces, dots, dashes and brackets are dropped."),
});
export type Friend = z.infer<typeof FriendSchema>;

export const QuietHoursSchema = z
  .strictObject({
    after: HHMM.describe("Quiet from this local time …"),
    before: HHMM.describe("… until this local time; may wrap past midnight. Equal times: no quiet hours."),
  })
  .describe("No suggestion is sent in this window, whatever triggers it.");

export const FriendTriggersSchema = z.strictObject({
  high_for_min: z
    .number()
    .min(1)
    .max(720)
    .nullable()
    .default(20)
    .describe("Suggest when stress has been high for longer than this (minutes); null turns it off."),
  episodes_per_day: z
    .number()
    .int()
    .min(1)
    .max(20)
    .nullable()
    .default(3)
    .describe("Suggest when this many calm episodes started today; null turns it off."),
  voice: z
    .boolean()
    .default(true)
    .describe('Suggest when the person asks ("I feel lonely", "call someone").'),
});

/** One person's "maybe call a friend" settings. Off unless the person opts in. */
export const FriendsPersonConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe("Opt-in: nothing is ever sent unless this is true."),
    friends: z.array(FriendSchema).max(20).default([]).describe("Suggested in turn, one per notification."),
    notify: NotifyServiceSchema.optional().describe(
      "The companion app's notify service of this person's phone, e.g. notify.mobile_app_alice_phone.",
    ),
    dial_link: z
      .enum(["tel", "deep-link"])
      .default("tel")
      .describe(
        'How the Call button dials: "tel" (iOS, uri tel:+…) or "deep-link" (Android: action URI, uri deep-link://tel:+…).',
      ),
    quiet_hours: QuietHoursSchema.default({ after: "21:30", before: "08:00" }),
    max_per_day: z.number().int().min(0).max(10).default(2).describe("At most this many suggestions a day."),
    min_gap_min: z
      .number()
      .min(1)
      .max(1440)
      .default(120)
      .describe("An unanswered suggestion holds the next one back this long."),
    snooze_min: z
      .number()
      .min(5)
      .max(720)
      .default(30)
      .describe('"Snooze": ask again after this many minutes.'),
    not_now_cooldown_h: z
      .number()
      .min(0)
      .max(168)
      .default(12)
      .describe('"Not now": no unprompted suggestion for this many hours.'),
    triggers: FriendTriggersSchema.prefault({}),
  })
  .superRefine((c, ctx) => {
    if (!c.enabled) return;
    if (c.friends.length === 0)
      ctx.addIssue({ code: "custom", path: ["friends"], message: "enabled needs at least one friend" });
    if (!c.notify)
      ctx.addIssue({ code: "custom", path: ["notify"], message: "enabled needs the phone's notify service" });
  });
export type FriendsPersonConfig = z.infer<typeof FriendsPersonConfigSchema>;

/** The `friends:` section: person id → settings. */
export const FriendsConfigSchema = z
  .record(PersonIdSchema, FriendsPersonConfigSchema)
  .default({})
  .describe('"Maybe call a friend" nudges, per person, opt-in.');
export type FriendsConfig = z.infer<typeof FriendsConfigSchema>;
export type FriendsConfigInput = z.input<typeof FriendsConfigSchema>;
