import { FriendSuggester, type FriendSuggesterOptions } from "./suggester.js";

export {
  buildFriendNotification,
  FRIEND_TAG_PREFIX,
  type FriendNotification,
  parseFriendEvent,
  type TappedAction,
} from "./notification.js";
export {
  dialable,
  evaluateFriendPolicy,
  type FriendBlockReason,
  type FriendOutcome,
  type FriendTrigger,
  type PolicyInput,
  type PolicyVerdict,
  pickFriend,
  type SuggestionRecord,
  SuggestionRecordSchema,
} from "./policy.js";
export {
  FRIEND_SCOPE,
  type FriendHa,
  type FriendStore,
  FriendSuggester,
  type FriendSuggesterOptions,
  type HubEventSource,
  type SuggestResult,
} from "./suggester.js";

/** The hub calls this once; `start()` after HaLink has started, `stop()` before it and the store stop. */
export function createFriendSuggester(options: FriendSuggesterOptions): FriendSuggester {
  return new FriendSuggester(options);
}
