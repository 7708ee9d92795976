export { calmActions } from "./calm-actions.js";
export {
  type ChosenRecipe,
  type EntityLike,
  type EpisodeBreathing,
  type EpisodeDeps,
  type EpisodeEnded,
  EpisodeManager,
  type EpisodeOutcome,
  type EpisodeRecipes,
  type EpisodeStarted,
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
