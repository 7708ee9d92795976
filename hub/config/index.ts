export { CONFIG_SCHEMA_FILE, configJsonSchema } from "./json-schema.js";
export { applyEnv, ENV_OVERRIDES, formatPath, loadConfig, parseConfig, zodIssues } from "./load.js";
export {
  acceptsUnknownPeople,
  type Config,
  type ConfigInput,
  ConfigSchema,
  type EpisodeConfig,
  type PersonConfig,
  type RoomConfig,
  type Soundscape,
} from "./schema.js";
