import type { Cancel, Clock } from "../core/index.js";
import {
  type ContextLike,
  type ContextOrigin,
  comparedKeys,
  type Expectation,
  type KeyExpectation,
  type OverrideInput,
  type ReportedState,
} from "./decide.js";
import { type CommandedCall, expect, SETTLE_MARGIN_MS, targetIds } from "./expectations.js";

export interface ObservedEntity extends ReportedState {
  entity_id: string;
}

/** A reported change with everything `isOverride` needs to judge it. */
export interface ObservedChange<E extends ObservedEntity = ObservedEntity> {
  entity: E;
  facts: OverrideInput;
}

export interface CommandLedgerDeps {
  clock: Clock;
  /** Whether Home Assistant answered one of the hub's calls with this context id. */
  isCallContext(id: string): boolean;
}

/** HA sends a call's state changes before the call's result (and so its context id): hold them that long. */
const HOLD_MAX_MS = 30_000;
const MAX_DESCENDANTS = 1000;

interface Pending<E> {
  entity: E;
  previous: ReportedState | undefined;
}

/**
 * What the hub commanded each entity, which contexts are the hub's (its calls and what they set off), and what
 * each entity reported last: the facts for the override decision. Changes to an entity with a hub call in
 * flight are held until that call has answered, so its context id is known when they are judged.
 */
export class CommandLedger<E extends ObservedEntity = ObservedEntity> {
  private readonly deps: CommandLedgerDeps;
  private readonly expectations = new Map<string, Expectation>();
  private readonly lastSeen = new Map<string, ReportedState>();
  private readonly inFlight = new Map<string, number>();
  private readonly held = new Map<string, Pending<E>[]>();
  private readonly descendants = new Set<string>();
  private deliver: ((changes: ObservedChange<E>[]) => void) | undefined;

  constructor(deps: CommandLedgerDeps) {
    this.deps = deps;
  }

  /** Where reported changes go once they can be judged. */
  /** One receiver (the hub's wiring); returns the unsubscribe. */
  onChanges(deliver: (changes: ObservedChange<E>[]) => void): () => void {
    this.deliver = deliver;
    return () => {
      if (this.deliver === deliver) this.deliver = undefined;
    };
  }

  /** Records what `calls` ask of their entities; call the returned function once they have all answered. */
  commanded(calls: readonly CommandedCall[], current: (id: string) => ReportedState | undefined): () => void {
    const now = this.deps.clock.now();
    const touched: string[] = [];
    for (const call of calls) {
      for (const id of targetIds(call)) {
        const next = expect(id, call, current(id), this.expectations.get(id), now);
        if (next) this.expectations.set(id, next);
        this.inFlight.set(id, (this.inFlight.get(id) ?? 0) + 1);
        touched.push(id);
      }
    }
    let released = false;
    let cancel: Cancel | undefined;
    const release = (): void => {
      if (released) return;
      released = true;
      cancel?.();
      for (const id of touched) {
        const left = (this.inFlight.get(id) ?? 1) - 1;
        if (left > 0) this.inFlight.set(id, left);
        else this.inFlight.delete(id);
      }
      const ready: Pending<E>[] = [];
      for (const id of new Set(touched)) {
        if (this.inFlight.has(id)) continue;
        ready.push(...(this.held.get(id) ?? []));
        this.held.delete(id);
      }
      this.emit(ready);
    };
    if (touched.length > 0) cancel = this.deps.clock.setTimeout(release, HOLD_MAX_MS);
    return release;
  }

  /** Entity changes as Home Assistant reported them. */
  observe(changed: readonly E[]): void {
    const now: Pending<E>[] = [];
    for (const entity of changed) {
      const pending = { entity, previous: this.lastSeen.get(entity.entity_id) };
      this.lastSeen.set(entity.entity_id, {
        state: entity.state,
        attributes: entity.attributes,
        context: entity.context,
      });
      if (this.inFlight.has(entity.entity_id)) {
        const list = this.held.get(entity.entity_id) ?? [];
        list.push(pending);
        this.held.set(entity.entity_id, list);
      } else now.push(pending);
    }
    this.emit(now);
  }

  /** Whose context this is; learns automations the hub's changes set off, so their own children count too. */
  origin(ctx: ContextLike): ContextOrigin {
    if (this.deps.isCallContext(ctx.id)) return "hub";
    if (this.descendants.has(ctx.id)) return "hub_descendant";
    const parent = ctx.parent_id ?? null;
    if (parent !== null && (this.deps.isCallContext(parent) || this.descendants.has(parent))) {
      this.descendants.add(ctx.id);
      if (this.descendants.size > MAX_DESCENDANTS) {
        const oldest = this.descendants.values().next().value;
        if (oldest !== undefined) this.descendants.delete(oldest);
      }
      return "hub_descendant";
    }
    return ctx.user_id !== null || parent !== null ? "actor" : "device";
  }

  expectation(entityId: string): Expectation | undefined {
    return this.expectations.get(entityId);
  }

  private emit(list: Pending<E>[]): void {
    if (list.length === 0 || !this.deliver) return;
    const at = this.deps.clock.now();
    const changes = list.map(({ entity, previous }) => {
      const origin = this.origin(entity.context);
      const facts: OverrideInput = {
        entity_id: entity.entity_id,
        current: { state: entity.state, attributes: entity.attributes, context: entity.context },
        previous,
        expectation: this.expectations.get(entity.entity_id),
        origin,
        now: at,
      };
      if (origin === "hub_descendant") this.adopt(entity, at);
      return { entity, facts };
    });
    this.deliver(changes);
  }

  /** What an automation the hub set off did is part of the hub's doing: its device's later echo of that
   * value is no hand either. */
  private adopt(entity: E, now: number): void {
    const next: Record<string, KeyExpectation> = { ...(this.expectations.get(entity.entity_id) ?? {}) };
    for (const key of comparedKeys(entity.entity_id, entity)) {
      const value = key === "state" ? entity.state : entity.attributes[key];
      if (value === undefined) continue;
      if (key !== "state" && entity.entity_id.startsWith("light.") && entity.state !== "on") {
        delete next[key];
        continue;
      }
      const earlier = next[key];
      const from = earlier && now <= earlier.band_until ? [...earlier.from, earlier.target] : [];
      next[key] = { target: value, from, band_until: now + SETTLE_MARGIN_MS };
    }
    this.expectations.set(entity.entity_id, next);
  }
}
