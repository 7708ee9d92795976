export { BreatheBodySchema, BreatheReplySchema, breathingApiPlugin } from "./api.js";
export {
  type BreathingDeps,
  BreathingPacer,
  type BreathingRefusal,
  type BreathingRequest,
  type BreathingStartResult,
  type BreathingStatus,
} from "./pacer.js";
export {
  afterBreath,
  type BreathReading,
  halfBreathCall,
  halfBreathS,
  isFollowing,
  type LightRange,
  lightRange,
  type PaceSettings,
  type PaceSource,
  type PaceState,
  startPace,
  volumeRange,
} from "./plan.js";
