import { z } from "zod";
import { FriendsConfigSchema } from "../friends/config.js";
import { RuleSchema } from "../rules/index.js";
import { VoiceConfigSchema } from "../voice/config.js";

const PERSON_ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export const MqttConfigSchema = z.strictObject({
  url: z
    .string()
    .regex(/^(mqtts?|wss?|tcp|ssl):\/\//, "expected mqtt://, mqtts://, ws:// or wss://")
    .default("mqtt://127.0.0.1:1883")
    .describe("Broker URL; CALM_MQTT_URL overrides it."),
  client_id: z
    .string()
    .min(1)
    .default("calm-hub")
    .describe(
      "Fixed client id: with a persistent session the broker keeps readings for the hub while it restarts.",
    ),
  username: z.string().optional(),
  password: z.string().optional().describe("Never logged. CALM_MQTT_PASSWORD overrides it."),
  ca_file: z.string().optional().describe("PEM CA certificate for mqtts://."),
  cert_file: z.string().optional().describe("PEM client certificate, for brokers that require one."),
  key_file: z.string().optional().describe("PEM client key."),
  reject_unauthorized: z.boolean().default(true),
  base_topic: z
    .string()
    .regex(/^[^#+]+$/)
    .default("calm"),
  keepalive_s: z.number().int().min(5).max(3600).default(30),
});

export const HomeAssistantConfigSchema = z.strictObject({
  url: z
    .url()
    .default("http://homeassistant.local:8123")
    .describe("Home Assistant base URL; the WebSocket URL is derived from it. CALM_HA_URL overrides it."),
  token: z.string().optional().describe("Long-lived access token of an admin user. Prefer CALM_HA_TOKEN."),
  heartbeat_s: z
    .number()
    .min(1)
    .max(300)
    .default(30)
    .describe("Ping interval; no pong within 5 s forces a reconnect."),
  call_timeout_s: z.number().min(1).max(120).default(10),
});

export const HttpConfigSchema = z.strictObject({
  host: z
    .string()
    .default("127.0.0.1")
    .describe("Listen address; 0.0.0.0 to reach the dashboard from a phone."),
  port: z.number().int().min(0).max(65535).default(8787).describe("CALM_HTTP_PORT overrides it."),
  token: z
    .string()
    .min(16)
    .optional()
    .describe(
      "Bearer token for the API. CALM_API_TOKEN overrides it; generated and stored on first start if absent.",
    ),
  cors_origins: z.array(z.string()).default([]).describe("Origins allowed by CORS; none by default."),
  rate_limit_per_min: z.number().int().min(1).default(600),
});

export const PersonSourceSchema = z.strictObject({
  format: z
    .string()
    .min(1)
    .describe('Adapter: "native", "ble-hrm", "health-auto-export", "sleep-as-android", "garmin".'),
  topic: z.string().min(1).describe("MQTT topic (wildcards allowed) this person's wearable publishes on."),
});

export const PersonConfigSchema = z.strictObject({
  name: z.string().optional().describe("Display name."),
  room: z.string().optional().describe("The room a calm episode for this person uses by default."),
  sources: z.array(PersonSourceSchema).default([]),
});

export const IngestConfigSchema = z.strictObject({
  max_payload_bytes: z.number().int().min(256).max(1_048_576).default(65_536),
  max_age_s: z
    .number()
    .min(1)
    .default(300)
    .describe("Older readings still teach the baseline but never trigger an action."),
  future_tolerance_s: z
    .number()
    .min(0)
    .default(30)
    .describe("Readings stamped further ahead than this are refused."),
  accept_unknown_people: z
    .boolean()
    .default(true)
    .describe("Accept calm/<person>/wearable for people not listed under people."),
  log_interval_s: z
    .number()
    .min(1)
    .default(60)
    .describe("Rejected payloads are summarized at most once per interval."),
});

export const StoreConfigSchema = z.strictObject({
  retention_days: z
    .number()
    .min(0.01)
    .max(3650)
    .default(30)
    .describe("Raw readings older than this are deleted."),
  action_log_days: z.number().min(1).max(3650).default(90),
});

export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    time_zone: z.string().optional().describe("IANA zone for rule times; Home Assistant's when absent."),
    data_dir: z
      .string()
      .default("./data")
      .describe("Where the SQLite store lives. CALM_DATA_DIR overrides it."),
    mqtt: MqttConfigSchema.prefault({}),
    home_assistant: HomeAssistantConfigSchema.prefault({}),
    http: HttpConfigSchema.prefault({}),
    ingest: IngestConfigSchema.prefault({}),
    store: StoreConfigSchema.prefault({}),
    people: z
      .record(
        z.string().regex(PERSON_ID, "person ids: lowercase letters, digits, - and _"),
        PersonConfigSchema,
      )
      .default({}),
    rules: z.array(RuleSchema).default([]),
    voice: VoiceConfigSchema.prefault({}),
    friends: FriendsConfigSchema,
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.rules.forEach((rule, i) => {
      if (seen.has(rule.id))
        ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: `duplicate rule id "${rule.id}"` });
      seen.add(rule.id);
    });
    if (config.time_zone !== undefined) {
      try {
        new Intl.DateTimeFormat("en", { timeZone: config.time_zone });
      } catch {
        ctx.addIssue({
          code: "custom",
          path: ["time_zone"],
          message: `unknown time zone "${config.time_zone}"`,
        });
      }
    }
  });

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type PersonConfig = z.infer<typeof PersonConfigSchema>;
