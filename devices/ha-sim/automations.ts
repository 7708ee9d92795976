import { newContext } from "./context-id.js";
import type { SimHome } from "./sim-home.js";
import type { HaContext } from "./types.js";

/** A state-triggered automation of the household's own: when `trigger.entity_id` changes (any change, or its
 * state becoming `trigger.to`), it calls `action`. Its run has a child context: `parent_id` is the triggering change's context id and
 * `user_id` is null, as HA's automation engine does. */
export interface SimAutomation {
  id: string;
  trigger: { entity_id: string; to?: string };
  action: {
    domain: string;
    service: string;
    target?: { entity_id: string | string[] };
    data?: Record<string, unknown>;
  };
}

export interface AutomationRun {
  automation: string;
  context: HaContext;
  error?: string;
}

type CallService = (
  home: SimHome,
  request: {
    domain: string;
    service: string;
    service_data?: Record<string, unknown>;
    target?: { entity_id?: string | string[] };
    return_response: boolean;
  },
  userId: string | null,
  context?: HaContext,
) => Promise<unknown>;

/** Runs automations after the change that triggered them has been announced, like HA's event loop does. */
export class Automations {
  private readonly list: SimAutomation[] = [];
  private readonly ownRuns = new Set<string>();
  readonly runs: AutomationRun[] = [];

  constructor(home: SimHome, callService: CallService) {
    home.bus.listen(({ event, transition }) => {
      if (!transition?.newState) return;
      // An automation never re-triggers on its own writes (HA's `mode: single` plus our loop guard).
      if (this.ownRuns.has(event.context.id)) return;
      for (const automation of this.list) {
        const { entity_id, to } = automation.trigger;
        if (transition.entityId !== entity_id) continue;
        // As HA's state trigger: with `to`, only a change of the state itself fires, not attribute updates.
        if (to !== undefined && (transition.newState.state !== to || transition.oldState?.state === to))
          continue;
        const context = newContext(null, event.context.id);
        this.ownRuns.add(context.id);
        const run: AutomationRun = { automation: automation.id, context };
        this.runs.push(run);
        setImmediate(() => {
          const request = {
            domain: automation.action.domain,
            service: automation.action.service,
            return_response: false,
            ...(automation.action.data ? { service_data: automation.action.data } : {}),
            ...(automation.action.target ? { target: automation.action.target } : {}),
          };
          callService(home, request, null, context).catch((err: unknown) => {
            run.error = err instanceof Error ? err.message : String(err);
          });
        });
      }
    });
  }

  add(automation: SimAutomation): void {
    this.list.push(automation);
  }

  clear(): void {
    this.list.length = 0;
  }
}
