import { VoiceService, type VoiceServiceOptions } from "./service.js";

export { VoiceHttpBodySchema, VoiceHttpReplySchema, voiceApiPlugin } from "./api.js";
export {
  type Intent,
  type IntentKind,
  IntentSchema,
  normalizeSentence,
  understand,
  type Vocabulary,
  voiceLanguage,
} from "./intents.js";
export {
  parseRegistries,
  type RegistrySnapshot,
  type RoomMap,
  roomDisplayName,
  roomOfArea,
  roomOfDevice,
  roomVocabulary,
} from "./rooms.js";
export {
  type BreathingRequester,
  type FriendRequester,
  HOUSEHOLD,
  type VoiceHa,
  type VoiceReply,
  type VoiceRequest,
  VoiceRequestEventSchema,
  VoiceService,
  type VoiceServiceOptions,
  type WindDownControl,
} from "./service.js";
export {
  type BreathingRefusalSpoken,
  type FriendBlockSpoken,
  speak,
  spokenName,
  type VoiceOutcome,
} from "./speech.js";

export type CreateVoiceServiceOptions = VoiceServiceOptions;

/** The hub calls this once; `start()` after HaLink has started, `stop()` before it stops. */
export function createVoiceService(options: CreateVoiceServiceOptions): VoiceService {
  return new VoiceService(options);
}
