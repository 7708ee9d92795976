// First-run help for a real home: which configured entities Home Assistant lacks, and the calm scenes the
// example rule and flows turn on.
export {
  type ConfiguredEntity,
  configuredEntities,
  formatMissing,
  missingEntities,
  peopleOf,
} from "./entities.js";
export { type HaSession, withHomeAssistant } from "./ha-session.js";
export { type CalmScene, calmScenes, scenesYaml } from "./scenes.js";
