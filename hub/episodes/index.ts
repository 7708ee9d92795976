export { calmActions } from "./calm-actions.js";
export {
  type EntityLike,
  type EpisodeDeps,
  EpisodeManager,
  type EpisodeOutcome,
  type EpisodeRecipes,
  episodeControl,
} from "./manager.js";
export {
  brightnessOf,
  type CalmLightPlan,
  callFitsTargets,
  calmLights,
  capVolume,
  domainOf,
  type EntitySnapshot,
  type HaCall,
  isNight,
  recipeLightSettings,
  restoreLights,
  type SoundPlan,
  startSound,
  stopSound,
  type VolumeDecision,
  volumeRamp,
} from "./plan.js";
export {
  type EpisodeControl,
  type EpisodeEndReason,
  EpisodeEndReasonSchema,
  type EpisodeRequest,
  type EpisodeStartResult,
  type EpisodeView,
} from "./types.js";
