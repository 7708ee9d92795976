import type { HubMode } from "../controls/index.js";
import type { PlannedAction } from "../rules/index.js";

/** The household switches as the runner reads them before every action (the hub passes its HubControls). */
export interface PolicyState {
  paused: boolean;
  mode: HubMode;
}

export type Policy = () => PolicyState;

/**
 * What the hub may still do on its own in `sleep` mode: switch off or quieten. Turning a light on or up, a
 * soundscape or a volume step up, a phone notification, or a new episode could wake someone.
 */
const NIGHT_SAFE = new Set([
  "light.turn_off",
  "media_player.media_stop",
  "media_player.media_pause",
  "media_player.turn_off",
  "media_player.volume_mute",
  "calm.end_episode",
]);

/** Sound the hub starts or turns up: what guests would hear. Stopping it is night-safe and always allowed. */
function isSound(call: string, domain: string): boolean {
  if (call === "calm.play_soundscape") return true;
  return domain === "media_player" && !NIGHT_SAFE.has(call);
}

/**
 * Why pause or mode holds an action back, or undefined when it may run. Only automatic actions are held: a
 * person's own request acts whatever the switches say, and a restore only gives back what the hub took.
 *
 * - paused: nothing automatic.
 * - normal: no limit beyond the caps, quiet hours and cooldowns.
 * - away: nothing automatic (nobody is home to calm).
 * - guests: no automatic phone notifications (friend suggestions included) and no automatic sound; lights
 *   still ease.
 * - sleep: only night-safe actions (see NIGHT_SAFE).
 */
export function policyRefusal(action: PlannedAction, state: PolicyState): string | undefined {
  if ((action.origin ?? "automatic") !== "automatic") return undefined;
  if (state.paused) return "automation is paused";
  const call = `${action.domain}.${action.service}`;
  switch (state.mode) {
    case "normal":
      return undefined;
    case "away":
      return "mode is away: the hub does nothing on its own while nobody is home";
    case "guests":
      if (action.domain === "notify") return "mode is guests: no phone notifications while guests are over";
      if (isSound(call, action.domain)) return "mode is guests: no soundscapes while guests are over";
      return undefined;
    case "sleep":
      return NIGHT_SAFE.has(call)
        ? undefined
        : "mode is sleep: the hub only switches off or quietens on its own at night";
  }
}
