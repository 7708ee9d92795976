import { z } from "zod";

// Each mode's effect is enforced by the action runner (actions/policy.ts) and described in README.md.
export const HubModeSchema = z
  .enum(["normal", "guests", "away", "sleep"])
  .describe(
    "What the household is doing. normal: no limit; away: nothing automatic; guests: no automatic phone notifications or sound; sleep: only switching off or quietening",
  );
export type HubMode = z.infer<typeof HubModeSchema>;
export const HUB_MODES: readonly HubMode[] = HubModeSchema.options;

export const ControlStateSchema = z.object({
  paused: z
    .boolean()
    .describe(
      "True while all automation is paused: nothing automatic acts; a person's requests and restores still do.",
    ),
  mode: HubModeSchema,
  updated_at: z.number().describe("Epoch ms of the last change."),
  changed_by: z.string().describe('Who changed it last: "home_assistant", "api", "dashboard" or "start".'),
});
export type ControlState = z.infer<typeof ControlStateSchema>;

/** Where the controls survive a restart (the hub's SQLite store satisfies it). */
export interface ControlMemory {
  get<T>(scope: string, key: string, schema: z.ZodType<T>): T | undefined;
  put(scope: string, key: string, value: unknown, updatedAt: number): void;
}

const SCOPE = "hub";
const KEY = "controls";

/**
 * The household-wide switches: pause all automation, and the mode. Changed from Home Assistant (MQTT
 * discovery entities), the API or the dashboard; listeners publish the new state wherever it is shown.
 */
export class HubControls {
  private current: ControlState;
  private readonly listeners = new Set<(state: ControlState, previous: ControlState) => void>();
  private readonly now: () => number;
  private memory: ControlMemory | undefined;

  constructor(now: () => number = Date.now) {
    this.now = now;
    this.current = { paused: false, mode: "normal", updated_at: now(), changed_by: "start" };
  }

  get paused(): boolean {
    return this.current.paused;
  }

  get mode(): HubMode {
    return this.current.mode;
  }

  get state(): ControlState {
    return { ...this.current };
  }

  /** Restores the last saved state (a paused hub stays paused across a restart) and saves future changes. */
  load(memory: ControlMemory): void {
    this.memory = memory;
    const saved = memory.get(SCOPE, KEY, ControlStateSchema);
    if (saved) this.current = saved;
  }

  onChange(listener: (state: ControlState, previous: ControlState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setPaused(paused: boolean, by: string): ControlState {
    return this.update({ paused }, by);
  }

  setMode(mode: HubMode, by: string): ControlState {
    return this.update({ mode }, by);
  }

  update(change: { paused?: boolean | undefined; mode?: HubMode | undefined }, by: string): ControlState {
    const previous = this.current;
    const next: ControlState = {
      paused: change.paused ?? previous.paused,
      mode: change.mode ?? previous.mode,
      updated_at: this.now(),
      changed_by: by,
    };
    if (next.paused === previous.paused && next.mode === previous.mode) return this.state;
    this.current = next;
    this.memory?.put(SCOPE, KEY, next, next.updated_at);
    for (const l of this.listeners) l(this.state, previous);
    return this.state;
  }
}
