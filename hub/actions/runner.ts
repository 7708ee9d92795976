import {
  type ActionOutcome,
  type ActionResult,
  type Cancel,
  type Clock,
  callRefusal,
  DEFAULT_ALLOWED_SERVICES,
  type Logger,
  type PlannedAction,
} from "../core/index.js";
import { type HaLinkState, toHaError } from "../ha/index.js";
import type { Store } from "../store/index.js";

export type { ActionOutcome } from "../core/index.js";

/** What the runner needs from Home Assistant; the real HaLink satisfies it. */
export interface ServiceCaller {
  readonly state: HaLinkState;
  callService(
    domain: string,
    service: string,
    data?: Record<string, unknown>,
    target?: Record<string, string | string[]>,
  ): Promise<{ context_id: string }>;
  onState(handler: (state: HaLinkState) => void): () => void;
}

/** A hub-side action (domain `calm`), e.g. `calm.start_episode`: runs in the hub, not in Home Assistant. */
export type LocalHandler = (action: PlannedAction) => Promise<string>;

export interface ActionRunnerOptions {
  store: Store;
  ha: ServiceCaller;
  clock: Clock;
  logger: Logger;
  /** home_assistant.allowed_services: what may reach Home Assistant, whoever planned it. */
  allowedServices?: readonly string[];
}

export const LOCAL_DOMAIN = "calm";

/**
 * Carries out planned actions at most once each. A key is claimed in the store before the call, so neither a
 * redelivered reading nor a restart can run it twice; an action Home Assistant cannot take before its
 * `not_after` is dropped with a log line, never replayed late.
 */
export class ActionRunner {
  private readonly opts: ActionRunnerOptions;
  private readonly waiting = new Map<string, { action: PlannedAction; cancel: Cancel }>();
  private readonly listeners = new Set<(outcome: ActionOutcome) => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly localHandlers = new Map<string, LocalHandler>();
  private readonly settle = new Map<string, (outcome: ActionOutcome) => void>();
  /** Context ids of the hub's own calls, to tell them from a person's hand on a switch. */
  readonly ownContexts = new Set<string>();
  private unsubscribe: (() => void) | undefined;
  private stopping = false;

  constructor(opts: ActionRunnerOptions) {
    this.opts = opts;
  }

  /** Actions claimed and waiting for Home Assistant to come back (each until its not_after). */
  get waitingCount(): number {
    return this.waiting.size;
  }

  onOutcome(listener: (outcome: ActionOutcome) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Registers `calm.<service>`; such actions skip Home Assistant but keep the log, TTL and idempotency. */
  registerLocal(service: string, handler: LocalHandler): void {
    this.localHandlers.set(service, handler);
  }

  /** Submits actions and resolves once each has a result (ok, error, expired or dropped). */
  run(actions: readonly PlannedAction[]): Promise<ActionOutcome[]> {
    const waits = actions.map(
      (a) =>
        new Promise<ActionOutcome>((resolve) => {
          this.settle.set(a.key, resolve);
        }),
    );
    this.submit(actions);
    return Promise.all(waits);
  }

  start(): void {
    this.stopping = false;
    // A key claimed but never finished means the hub died mid-call: HA may or may not have acted, so the
    // safe choice in a home is to not repeat it.
    for (const entry of this.opts.store.pendingActions()) {
      this.opts.store.finishAction(
        entry.key,
        "dropped",
        "hub stopped before Home Assistant answered; not repeated",
        null,
      );
    }
    this.unsubscribe = this.opts.ha.onState((state) => {
      if (state === "online") this.flushWaiting();
    });
  }

  /** Finishes calls already sent (bounded by the HA call timeout) and drops what was still waiting. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    for (const { action, cancel } of this.waiting.values()) {
      cancel();
      this.finish(action, "dropped", "hub stopped before Home Assistant was reachable", null);
    }
    this.waiting.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  submit(actions: readonly PlannedAction[]): void {
    for (const action of actions) {
      const claimed = this.opts.store.claimAction({
        key: action.key,
        at: action.created_at,
        rule_id: action.rule_id,
        person: action.person,
        trigger: action.trigger,
        call: { domain: action.domain, service: action.service, target: action.target, data: action.data },
      });
      if (!claimed) {
        this.opts.logger.debug(
          { component: "actions", key: action.key },
          "action already handled, not repeated",
        );
        continue;
      }
      // Only once the claim is committed: a call Home Assistant has seen always has its claim on disk, so a
      // crash can never lead to running it a second time.
      this.opts.store.afterCommit((committed) => {
        if (committed) this.attempt(action);
        else this.notRecorded(action);
      });
    }
  }

  private attempt(action: PlannedAction): void {
    const now = this.opts.clock.now();
    // The one door to Home Assistant: rules, episodes, Node-RED and the API all pass here.
    const refusal =
      action.domain === LOCAL_DOMAIN
        ? undefined
        : callRefusal(action, this.opts.allowedServices ?? DEFAULT_ALLOWED_SERVICES);
    if (refusal) {
      this.finish(action, "refused", refusal, null);
      return;
    }
    if (now > action.not_after) {
      this.finish(
        action,
        "expired",
        `not taken within ${Math.round((action.not_after - action.created_at) / 1000)} s; dropped`,
        null,
      );
      return;
    }
    if (this.opts.ha.state === "disabled" && action.domain !== LOCAL_DOMAIN) {
      // No token configured: Home Assistant will never come, so waiting out the TTL only delays the answer.
      this.finish(action, "dropped", "no Home Assistant token configured; logged, not executed", null);
      return;
    }
    if (this.opts.ha.state !== "online" && action.domain !== LOCAL_DOMAIN) {
      if (this.stopping) {
        this.finish(action, "dropped", "hub is stopping", null);
        return;
      }
      // Wait for Home Assistant, but only until the action goes stale.
      const cancel = this.opts.clock.setTimeout(
        () => {
          this.waiting.delete(action.key);
          this.finish(
            action,
            "expired",
            `Home Assistant was ${this.opts.ha.state} until the action's time ran out; dropped`,
            null,
          );
        },
        action.not_after - now + 1,
      );
      this.waiting.set(action.key, { action, cancel });
      return;
    }
    const started = this.opts.clock.now();
    if (action.domain === LOCAL_DOMAIN) {
      this.runLocal(action, started);
      return;
    }
    const call = this.opts.ha
      .callService(action.domain, action.service, action.data, action.target)
      .then(
        (res) => {
          if (res.context_id) this.rememberContext(res.context_id);
          this.finish(action, "ok", "done", this.opts.clock.now() - started, res.context_id);
        },
        (raw: unknown) => {
          const err = toHaError(raw);
          if (err.transient && !this.stopping) {
            this.attempt(action);
            return;
          }
          this.finish(action, "error", err.message, this.opts.clock.now() - started);
        },
      )
      .finally(() => this.inFlight.delete(call));
    this.inFlight.add(call);
  }

  /** The claim was lost with a failed commit: without it a retry could repeat the call, so do not call. */
  private notRecorded(action: PlannedAction): void {
    const detail = "the action could not be recorded in the store; not executed";
    this.opts.logger.error({ component: "actions", rule: action.rule_id, person: action.person }, detail);
    this.report({ action, result: "error", detail, latency_ms: null });
  }

  private runLocal(action: PlannedAction, started: number): void {
    const handler = this.localHandlers.get(action.service);
    if (!handler) {
      this.finish(action, "error", `unknown hub action calm.${action.service}`, 0);
      return;
    }
    const call = handler(action)
      .then(
        (detail) => this.finish(action, "ok", detail, this.opts.clock.now() - started),
        (err: unknown) =>
          this.finish(
            action,
            "error",
            (err as Error).message ?? String(err),
            this.opts.clock.now() - started,
          ),
      )
      .finally(() => this.inFlight.delete(call));
    this.inFlight.add(call);
  }

  private flushWaiting(): void {
    const ready = [...this.waiting.values()];
    this.waiting.clear();
    for (const { action, cancel } of ready) {
      cancel();
      this.attempt(action);
    }
  }

  private rememberContext(id: string): void {
    this.ownContexts.add(id);
    // Bounded: only recent contexts matter for telling hub changes from manual ones.
    if (this.ownContexts.size > 1000) {
      const oldest = this.ownContexts.values().next().value;
      if (oldest !== undefined) this.ownContexts.delete(oldest);
    }
  }

  private finish(
    action: PlannedAction,
    result: ActionResult,
    detail: string,
    latency: number | null,
    contextId?: string,
  ): void {
    this.opts.store.finishAction(action.key, result, detail, latency);
    const log = this.opts.logger;
    const fields = {
      component: "actions",
      rule: action.rule_id,
      person: action.person,
      action: `${action.domain}.${action.service}`,
      result,
    };
    if (result === "ok") log.info({ ...fields, latency_ms: latency }, "action done");
    else log.warn({ ...fields, detail }, `action ${result}: ${detail}`);
    const outcome: ActionOutcome = { action, result, detail, latency_ms: latency };
    if (contextId) outcome.context_id = contextId;
    this.report(outcome);
  }

  private report(outcome: ActionOutcome): void {
    for (const l of this.listeners) l(outcome);
    this.settle.get(outcome.action.key)?.(outcome);
    this.settle.delete(outcome.action.key);
  }
}
