export {
  type ContextLike,
  type ContextOrigin,
  comparedKeys,
  type Expectation,
  isOverride,
  type KeyExpectation,
  type OverrideInput,
  type OverrideVerdict,
  type ReportedState,
  sameValue,
} from "./decide.js";
export { type CommandedCall, expect, roundHalfEven, SETTLE_MARGIN_MS, targetIds } from "./expectations.js";
export { CommandLedger, type CommandLedgerDeps, type ObservedChange, type ObservedEntity } from "./ledger.js";
export { findPersonForUser, TokenUserCheck } from "./person-check.js";
