export {
  type EpisodeControl,
  type EpisodeEndReason,
  EpisodeEndReasonSchema,
  type EpisodeRequest,
  type EpisodeStartResult,
  type EpisodeView,
} from "./types.js";
