import { z } from "zod";
import type { ActionCause } from "./cause.js";
import type { Sample } from "./sample.js";
import type { StressState } from "./stress.js";

// The data that crosses stages: what ingest hands on, what rules plan, what the runner reports and what an
// episode looks like from outside. Here, in core, so that the observer bus (bus.ts) can name its events
// without core importing any feature, and features share one definition of each.

export interface IngestedSample {
  sample: Sample;
  /** False for readings older than max_age: they teach the baseline but never trigger an action. */
  fresh: boolean;
}

/**
 * Who wants an action, for pause and mode (enforced in actions/): the hub on its own (rules, wind-down, friend
 * suggestions, an automatic episode's steps), a person's request (voice, the API, the calm-now button, an
 * episode a person started), or a restore that gives back what the hub changed (always allowed).
 */
export type ActionOrigin = "automatic" | "person" | "restore";

/** One Home Assistant call the hub intends to make. Pure data: `actions/` carries it out. */
export interface PlannedAction {
  /** Same decision, same key: the store refuses to execute a key twice (restarts, redelivery). */
  key: string;
  rule_id: string;
  person: string;
  domain: string;
  service: string;
  target?: Record<string, string | string[]>;
  data?: Record<string, unknown>;
  created_at: number;
  /** Dropped, not executed, after this instant. */
  not_after: number;
  /**
   * What the action log, outcomes and live streams show instead of `data`, when data carries something that must
   * not be stored (a friend's phone number in a dial link). Home Assistant still gets `data`.
   */
  log_data?: Record<string, unknown>;
  /** Absent: automatic, so anything not marked as a person's request obeys pause and mode. */
  origin?: ActionOrigin;
  /** The reading the decision saw; `cause` says what actually set it off (absent in older log entries). */
  trigger: { score: number; level: string; at: number; reading_id?: string; cause?: ActionCause };
}

export type DecisionOutcome = "fired" | "cooldown" | "conditions" | "disabled";

export interface Decision {
  rule_id: string;
  person: string;
  outcome: DecisionOutcome;
  /** Plain words for the action log and the demo output. */
  detail: string;
  actions: PlannedAction[];
}

/** `unknown`: sent, but no answer (timeout, connection lost mid-call): Home Assistant may have acted. */
export const ACTION_RESULTS = ["ok", "error", "expired", "dropped", "refused", "unknown"] as const;
export type ActionResult = (typeof ACTION_RESULTS)[number];
/** One list for the type, the stored rows and the API: a result added here is valid everywhere at once. */
export const ActionResultSchema = z.enum(ACTION_RESULTS);

export interface ActionOutcome {
  action: PlannedAction;
  result: ActionResult;
  detail: string;
  latency_ms: number | null;
  context_id?: string;
}

export const EpisodeEndReasonSchema = z.enum([
  "calm",
  "max_duration",
  "stopped",
  "left_home",
  "replaced",
  "expired",
]);
export type EpisodeEndReason = z.infer<typeof EpisodeEndReasonSchema>;

export interface EpisodeView {
  id: string;
  person: string;
  room: string;
  started_at: number;
  ended_at: number | null;
  state: "active" | "ended";
  reason: string;
  end_reason: EpisodeEndReason | null;
  soundscape: string | null;
  /** Entities a person changed by hand during the episode; the hub leaves them alone. */
  overridden: string[];
  /** Why it ended, in words ("Stop was pressed on the dashboard"); absent while it runs. */
  ended_why?: string | undefined;
}

/** A wind-down's progress. phase: start, step, end (lights handed back), paused (changed by hand) or skipped. */
export interface WindDownEvent {
  phase: string;
  room: string;
  date: string;
  detail: string;
}

export interface VoiceEvent {
  person: string;
  room: string | undefined;
  intent: string;
  outcome: string;
}

/** A mood someone told (check-in tap, voice, API, dashboard). The note stays in the store. */
export interface MoodEvent {
  person: string;
  at: number;
  mood: string;
  source: string;
}

/**
 * The breathing guide's progress. Paces are the guide's own (what the light asks for), rounded to a quarter
 * breath; `following` is a yes/no judgement. No reading (respiration, heart rate) is part of it.
 */
export interface BreathingEvent {
  person: string;
  room: string;
  episode_id: string;
  phase: "started" | "pace" | "stopped";
  /** What carries the pace: a light's brightness or the soundscape's volume. */
  medium: "light" | "volume";
  from_bpm: number;
  pace_bpm: number;
  target_bpm: number;
  /** Whether the person's breathing (or heart rate) follows the pace; null while nothing says. */
  following: boolean | null;
  /** Why it stopped, in words (only with phase "stopped"). */
  why?: string | undefined;
}

export interface LinkStates {
  mqtt: string;
  home_assistant: string;
}

/**
 * What observers (history, metrics, discovery, the live stream, the demo's narration) may listen to. Nothing
 * that acts listens here: behaviour is called directly by the pipeline, in order.
 */
export interface HubEvents {
  sample: [sample: IngestedSample];
  stress: [state: StressState, previous: StressState | undefined];
  decision: [decision: Decision];
  action: [outcome: ActionOutcome];
  link: [link: LinkStates];
  episode: [episode: EpisodeView, phase: "started" | "ended" | "updated"];
  wind_down: [event: WindDownEvent];
  voice: [request: VoiceEvent];
  mood: [mood: MoodEvent];
  breathing: [event: BreathingEvent];
}
