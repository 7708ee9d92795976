export { MOOD_VALENCE, MOODS, type Mood, MoodSchema, type MoodSource } from "../core/index.js";
export { MoodBodySchema, type MoodRouteDeps, moodRoutes } from "./api.js";
export {
  type CheckInResult,
  MoodCheckIns,
  type MoodCheckInsOptions,
  type MoodHa,
  type MoodStore,
} from "./check-ins.js";
export {
  buildCheckInNotification,
  type CheckInAnswer,
  type CheckInNotification,
  MOOD_TAG_PREFIX,
  parseCheckInEvent,
} from "./notification.js";
export {
  type CheckInBlock,
  type CheckInPolicyInput,
  type CheckInVerdict,
  counts,
  evaluateCheckIn,
  nextLocalTime,
} from "./policy.js";
export {
  CHECK_IN_SCOPE,
  type CheckInKind,
  type CheckInRecord,
  CheckInRecordSchema,
  MOOD_SCOPE,
  type MoodRecord,
  MoodRecordSchema,
} from "./records.js";
