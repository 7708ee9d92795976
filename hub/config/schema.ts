import { z } from "zod";
import {
  allowEntryProblem,
  DEFAULT_ALLOWED_SERVICES,
  inQuietHours,
  isTimeZone,
  own,
  PersonIdSchema,
  RoomIdSchema,
} from "../core/index.js";
import { BreathingConfigSchema } from "./breathing.js";
import { HhmmSchema as HHMM } from "./common.js";
import { DetectorConfigSchema } from "./detector.js";
import { FriendsConfigSchema } from "./friends.js";
import { MoodConfigSchema } from "./mood.js";
import {
  DEFAULT_RECIPES,
  LearningConfigSchema,
  type Recipe,
  RecipeIdSchema,
  RecipeSchema,
} from "./recipes.js";
import { disallowedActions, RuleSchema } from "./rules.js";
import { refineHaUrl } from "./urls.js";
import { VoiceConfigSchema } from "./voice.js";
import { LocationSchema, WindDownListSchema } from "./wind-down.js";

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
  discovery: z
    .boolean()
    .default(true)
    .describe("Publish Home Assistant MQTT discovery for the hub's own entities."),
  discovery_prefix: z
    .string()
    .regex(/^[^#+]+$/)
    .default("homeassistant")
    .describe("Home Assistant's discovery prefix (its birth topic is <prefix>/status)."),
});

export const HomeAssistantConfigSchema = z.strictObject({
  url: z
    .string()
    .superRefine(refineHaUrl)
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
  allowed_services: z
    .array(
      z.string().superRefine((entry, ctx) => {
        const problem = allowEntryProblem(entry);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    )
    .default([...DEFAULT_ALLOWED_SERVICES])
    .describe(
      "The Home Assistant services rules, Node-RED and the API may call through the hub: domain.service, or domain.* for harmless domains. Locks, alarm panels, covers, scripts and the like must be named one service at a time.",
    ),
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
  allowed_hosts: z
    .array(
      z
        .string()
        .regex(
          /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i,
          "a host name, no port",
        ),
    )
    .default([])
    .describe(
      "Host names the dashboard and API answer to besides localhost and IP addresses (DNS rebinding defence), e.g. calm.local or *.home.lan.",
    ),
  rate_limit_per_min: z
    .number()
    .int()
    .min(1)
    .default(60)
    .describe(
      "Failed authentications one client may make per minute before it gets 429; a valid token and /api/health are never limited.",
    ),
});

export const MqttSourceSchema = z.strictObject({
  format: z
    .string()
    .min(1)
    .describe('Adapter: "native", "ble-hrm", "health-auto-export", "sleep-as-android", "garmin".'),
  topic: z.string().min(1).describe("MQTT topic (wildcards allowed) this person's wearable publishes on."),
});

export const HaSourceSchema = z.strictObject({
  entity_id: z
    .string()
    .regex(/^sensor\.[a-z0-9_]+$/, 'expected a sensor entity id, e.g. "sensor.pixel_watch_heart_rate"')
    .describe(
      "A Home Assistant sensor read through the entity subscription (its accuracy attribute lowers quality).",
    ),
  metric: z.enum(["hr", "stress", "rmssd", "resp", "skin_temp", "eda"]).describe("What the sensor measures."),
});

export const PersonSourceSchema = z.union([MqttSourceSchema, HaSourceSchema]);

export const PersonConfigSchema = z.strictObject({
  name: z.string().optional().describe("Display name."),
  room: z.string().optional().describe("The room a calm episode for this person uses by default."),
  sources: z.array(PersonSourceSchema).default([]),
  recipes: z
    .array(RecipeIdSchema)
    .min(1)
    .optional()
    .describe(
      "The recipes a calm episode may use for this person (ids from recipes); all of them when absent.",
    ),
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
    .optional()
    .describe(
      "Accept calm/<person>/wearable for people not listed under people. Default: only while no person is listed.",
    ),
  max_people: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(100)
    .describe(
      "At most this many people not listed under people are accepted; readings for more are refused.",
    ),
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
  episode_days: z
    .number()
    .min(1)
    .max(3650)
    .default(90)
    .describe("Calm episodes and wind-down evenings older than this are deleted from the history."),
});

const LightId = z
  .string()
  .regex(/^light\.[a-z0-9_]+$/, 'expected a light entity id, e.g. "light.living_room"');
const MediaPlayerId = z.string().regex(/^media_player\.[a-z0-9_]+$/, 'expected "media_player.<name>"');

export const RoomConfigSchema = z.strictObject({
  name: z.string().optional(),
  area_id: z
    .string()
    .optional()
    .describe(
      "Home Assistant area of this room (voice satellites are mapped through it); the room id when absent.",
    ),
  lights: z.array(LightId).default([]).describe("Lights a calm episode or the wind-down may dim."),
  media_player: MediaPlayerId.optional().describe("Speaker for soundscapes."),
  bedroom: z
    .boolean()
    .default(false)
    .describe("Nothing plays here at night, and never while someone here is asleep."),
  people: z
    .array(z.string())
    .default([])
    .describe("Who usually is in this room (for voice requests and sleep checks)."),
  max_volume: z.number().min(0).max(1).default(0.5).describe("Volume cap, whatever a rule asks for."),
  night_max_volume: z.number().min(0).max(1).default(0.2).describe("Volume cap during night hours."),
});
export type RoomConfig = z.infer<typeof RoomConfigSchema>;

export const SoundscapeSchema = z.strictObject({
  media_content_id: z
    .string()
    .min(1)
    .describe('What media_player.play_media gets, e.g. "media-source://media_source/local/rain.mp3".'),
  media_content_type: z.string().default("music"),
  title: z.string().optional(),
});

export const EpisodeConfigSchema = z.strictObject({
  brightness_pct: z
    .number()
    .min(1)
    .max(100)
    .default(35)
    .describe("Calm brightness; a light already dimmer stays as it is."),
  night_brightness_pct: z
    .number()
    .min(1)
    .max(100)
    .default(15)
    .describe("Calm brightness during night hours."),
  color_temp_kelvin: z
    .number()
    .int()
    .min(1500)
    .max(6500)
    .default(2400)
    .describe("Warm white; a light already warmer stays as it is."),
  transition_s: z.number().min(0).max(300).default(30).describe("Fade time, in and out; never a flash."),
  soundscape: z.string().optional().describe("Default soundscape name (see soundscapes); none when absent."),
  volume: z.number().min(0).max(1).default(0.3).describe("Target volume before the room's caps."),
  volume_step: z.number().min(0.01).max(1).default(0.05),
  volume_step_s: z.number().min(0.1).max(60).default(3),
  calm_for_s: z
    .number()
    .min(0)
    .default(180)
    .describe("The episode ends once its person has been calm this long."),
  max_duration_min: z.number().min(1).max(720).default(30),
  turn_on_dark_lights: z
    .boolean()
    .default(false)
    .describe("Whether lights that are off may be turned on (dimly); off by default."),
});
export type EpisodeConfig = z.infer<typeof EpisodeConfigSchema>;

export const NightSchema = z.strictObject({ after: HHMM.default("22:00"), before: HHMM.default("07:00") });

export const DEFAULT_SOUNDSCAPES = {
  rain: {
    media_content_id: "media-source://media_source/local/calm/rain.mp3",
    media_content_type: "music",
    title: "Rain",
  },
  ocean: {
    media_content_id: "media-source://media_source/local/calm/ocean.mp3",
    media_content_type: "music",
    title: "Ocean",
  },
  brown_noise: {
    media_content_id: "media-source://media_source/local/calm/brown-noise.mp3",
    media_content_type: "music",
    title: "Brown noise",
  },
};

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
    people: z.record(PersonIdSchema, PersonConfigSchema).default({}),
    rules: z.array(RuleSchema).default([]),
    location: LocationSchema.optional().describe(
      "Latitude, longitude and time zone for sun times; Home Assistant's when absent.",
    ),
    night: NightSchema.prefault({}).describe("Night hours: lower brightness and volume caps apply."),
    rooms: z.record(RoomIdSchema, RoomConfigSchema).default({}),
    soundscapes: z.record(z.string().regex(/^[a-z0-9_]+$/), SoundscapeSchema).default(DEFAULT_SOUNDSCAPES),
    episodes: EpisodeConfigSchema.prefault({}),
    breathing: BreathingConfigSchema.prefault({}).describe(
      "The breathing guide: a light (or the soundscape) paced from the person's breathing down to slow breaths.",
    ),
    detector: DetectorConfigSchema.prefault({}).describe(
      "Stress detection tuning; the defaults were chosen on the stress-predict development split.",
    ),
    wind_down: WindDownListSchema.default([]),
    voice: VoiceConfigSchema.prefault({}),
    friends: FriendsConfigSchema,
    mood: MoodConfigSchema.prefault({}),
    recipes: z
      .record(RecipeIdSchema, RecipeSchema)
      .optional()
      .describe(
        "Ways to calm down (light, soundscape, breathing guide, friend nudge) an episode chooses from; built-in ones when absent.",
      ),
    learning: LearningConfigSchema.prefault({}).describe(
      "Adaptive choice of the recipe per episode from each person's outcomes.",
    ),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.rules.forEach((rule, i) => {
      if (seen.has(rule.id))
        ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: `duplicate rule id "${rule.id}"` });
      seen.add(rule.id);
      for (const refused of disallowedActions(rule, config.home_assistant.allowed_services))
        ctx.addIssue({
          code: "custom",
          path: ["rules", i, "actions", refused.action, "action"],
          message: refused.message,
        });
    });
    for (const [id, p] of Object.entries(config.people)) {
      if (p.room !== undefined && !Object.hasOwn(config.rooms, p.room)) {
        ctx.addIssue({ code: "custom", path: ["people", id, "room"], message: `unknown room "${p.room}"` });
      }
    }
    if (
      config.episodes.soundscape !== undefined &&
      !Object.hasOwn(config.soundscapes, config.episodes.soundscape)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["episodes", "soundscape"],
        message: `unknown soundscape "${config.episodes.soundscape}"`,
      });
    }
    const recipes = configRecipes(config);
    for (const [id, r] of Object.entries(config.recipes ?? {})) {
      if (r.soundscape !== null && !Object.hasOwn(config.soundscapes, r.soundscape))
        ctx.addIssue({
          code: "custom",
          path: ["recipes", id, "soundscape"],
          message: `unknown soundscape "${r.soundscape}"`,
        });
    }
    for (const [id, p] of Object.entries(config.people)) {
      p.recipes?.forEach((r, i) => {
        if (!Object.hasOwn(recipes, r))
          ctx.addIssue({
            code: "custom",
            path: ["people", id, "recipes", i],
            message: `unknown recipe "${r}"`,
          });
      });
    }
    if (!Object.hasOwn(recipes, config.learning.default_recipe))
      ctx.addIssue({
        code: "custom",
        path: ["learning", "default_recipe"],
        message: `unknown recipe "${config.learning.default_recipe}": set learning.default_recipe to one of ${Object.keys(recipes).join(", ")}`,
      });
    config.wind_down.forEach((w, i) => {
      w.rooms.forEach((room, j) => {
        if (!Object.hasOwn(config.rooms, room))
          ctx.addIssue({
            code: "custom",
            path: ["wind_down", i, "rooms", j],
            message: `unknown room "${room}"`,
          });
      });
      if (w.soundscape !== undefined && !Object.hasOwn(config.soundscapes, w.soundscape)) {
        ctx.addIssue({
          code: "custom",
          path: ["wind_down", i, "soundscape"],
          message: `unknown soundscape "${w.soundscape}"`,
        });
      }
    });
    for (const [id, m] of Object.entries(config.mood.people)) {
      if (m.notify === undefined && own(config.friends, id)?.notify === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["mood", "people", id, "notify"],
          message: `check-ins need ${id}'s phone: set notify here (or friends.${id}.notify)`,
        });
    }
    const evening = config.mood.evening_at;
    // Any day will do: only the local time of day is compared.
    if (evening !== null && inQuietHours(Date.UTC(2026, 0, 1, ...hhmm(evening)), "UTC", moodQuiet(config)))
      ctx.addIssue({
        code: "custom",
        path: ["mood", "evening_at"],
        message: `${evening} falls in the check-ins' quiet hours, so the evening check-in would never be sent`,
      });
    if (config.time_zone !== undefined && !isTimeZone(config.time_zone)) {
      ctx.addIssue({
        code: "custom",
        path: ["time_zone"],
        message: `unknown time zone "${config.time_zone}"`,
      });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

/**
 * The recipes in force: the configured ones, else the built-in ones, whose sound is dropped (not refused) when
 * the home has its own soundscapes without that name, so that a config without `recipes:` always loads.
 */
export function configRecipes(config: Pick<Config, "recipes" | "soundscapes">): Record<string, Recipe> {
  if (config.recipes) return config.recipes;
  return Object.fromEntries(
    Object.entries(DEFAULT_RECIPES).map(([id, r]) => [
      id,
      r.soundscape !== null && !Object.hasOwn(config.soundscapes, r.soundscape)
        ? { ...r, soundscape: null }
        : r,
    ]),
  );
}

/** The check-ins' quiet hours: their own when set, else the night hours. */
export function moodQuiet(config: Pick<Config, "mood" | "night">): { after: string; before: string } {
  return config.mood.quiet_hours ?? config.night;
}

function hhmm(value: string): [number, number] {
  const [h, m] = value.split(":");
  return [Number(h), Number(m)];
}
export type ConfigInput = z.input<typeof ConfigSchema>;
export type PersonConfig = z.infer<typeof PersonConfigSchema>;
export type Soundscape = z.infer<typeof SoundscapeSchema>;

/**
 * Whether readings for people not listed under `people` are taken: as configured, else only while nobody is
 * listed (a fresh install learns who is there; a configured home does not grow strangers from any topic).
 */
export function acceptsUnknownPeople(config: Pick<Config, "ingest" | "people">): boolean {
  return config.ingest.accept_unknown_people ?? Object.keys(config.people).length === 0;
}
