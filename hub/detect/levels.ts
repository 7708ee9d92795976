import type { DetectorConfig } from "../config/index.js";
import type { StressLevel } from "../core/index.js";

/** Where the level machine stands: the current level, and a change that is waiting out its duration. */
export interface LevelState {
  level: StressLevel;
  since: number;
  pending: StressLevel | null;
  pending_since: number | null;
}

const RANK: Record<StressLevel, number> = { calm: 0, elevated: 1, high: 2 };

/** The level the score points to, given the current level: exits use lower thresholds than entries. */
export function targetLevel(current: StressLevel, score: number, config: DetectorConfig): StressLevel {
  const highBar = current === "high" ? config.high_exit : config.high_enter;
  if (score >= highBar) return "high";
  const elevatedBar = RANK[current] >= 1 ? config.elevated_exit : config.elevated_enter;
  return score >= elevatedBar ? "elevated" : "calm";
}

/**
 * Moves the level towards the target only once the target has held for `min_duration_s` (going up) or
 * `exit_duration_s` (going down), so a single spike never starts an episode and a single dip never ends one.
 */
export function stepLevel(
  state: LevelState,
  target: StressLevel,
  at: number,
  config: DetectorConfig,
): LevelState {
  if (target === state.level) return { ...state, pending: null, pending_since: null };
  const dir = Math.sign(RANK[target] - RANK[state.level]);
  let since = at;
  if (state.pending !== null && state.pending_since !== null) {
    const pendingDir = Math.sign(RANK[state.pending] - RANK[state.level]);
    // The score has been past the nearer threshold all along when the target is the pending level or a
    // milder step in the same direction; a further step has to wait its own full duration.
    const milderOrSame =
      Math.abs(RANK[target] - RANK[state.level]) <= Math.abs(RANK[state.pending] - RANK[state.level]);
    if (pendingDir === dir && milderOrSame) since = state.pending_since;
  }
  const need = (dir > 0 ? config.min_duration_s : config.exit_duration_s) * 1000;
  if (at - since >= need) return { level: target, since: at, pending: null, pending_since: null };
  return { ...state, pending: target, pending_since: since };
}

export function forceLevel(state: LevelState, level: StressLevel, at: number): LevelState {
  if (state.level === level) return { ...state, pending: null, pending_since: null };
  return { level, since: at, pending: null, pending_since: null };
}
