// The config is a leaf: every section's schema lives here and imports only core, so loading a config file
// never pulls in a feature (features import their types from here, never the other way round).

export { type BreathingConfig, BreathingConfigSchema } from "./breathing.js";
export { HhmmSchema, NotifyServiceSchema, WeekdaySchema } from "./common.js";
export {
  type ArtefactConfig,
  ArtefactConfigSchema,
  type BaselineConfig,
  BaselineConfigSchema,
  type DetectorConfig,
  type DetectorConfigInput,
  DetectorConfigSchema,
  type OnsetConfig,
  OnsetConfigSchema,
} from "./detector.js";
export {
  type Friend,
  FriendSchema,
  type FriendsConfig,
  type FriendsConfigInput,
  FriendsConfigSchema,
  type FriendsPersonConfig,
  FriendsPersonConfigSchema,
  FriendTriggersSchema,
  QuietHoursSchema,
} from "./friends.js";
export { CONFIG_SCHEMA_FILE, configJsonSchema } from "./json-schema.js";
export { applyEnv, ENV_OVERRIDES, formatPath, loadConfig, parseConfig, zodIssues } from "./load.js";
export {
  type MoodConfig,
  type MoodConfigInput,
  MoodConfigSchema,
  type MoodPersonConfig,
  MoodPersonConfigSchema,
} from "./mood.js";
export {
  DEFAULT_RECIPES,
  type LearningConfig,
  LearningConfigSchema,
  type Recipe,
  RecipeIdSchema,
  type RecipeInput,
  RecipeLightSchema,
  RecipeSchema,
  STANDARD_RECIPE,
} from "./recipes.js";
export {
  type Condition,
  ConditionSchema,
  disallowedActions,
  type Rule,
  type RuleAction,
  RuleActionSchema,
  type RuleInput,
  RuleSchema,
  type Trigger,
  TriggerSchema,
} from "./rules.js";
export {
  acceptsUnknownPeople,
  type Config,
  type ConfigInput,
  ConfigSchema,
  configRecipes,
  type EpisodeConfig,
  moodQuiet,
  type PersonConfig,
  type RoomConfig,
  type Soundscape,
} from "./schema.js";
export { closestWord } from "./suggest.js";
export { type HaPlace, locationOf, timeZoneOf } from "./time-zone.js";
export { haUrlProblem } from "./urls.js";
export { type VoiceConfig, type VoiceConfigInput, VoiceConfigSchema } from "./voice.js";
export {
  type BedtimeStart,
  BedtimeStartSchema,
  type LightSetting,
  LightSettingSchema,
  LocalTimeSchema,
  type Location,
  LocationSchema,
  type Steps,
  StepsSchema,
  type SunEvent,
  SunEventSchema,
  type SunStart,
  SunStartSchema,
  type WindDownConfig,
  type WindDownConfigInput,
  WindDownConfigSchema,
  WindDownListSchema,
} from "./wind-down.js";
