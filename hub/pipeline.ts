import { sampleFromHaState } from "../devices/adapters/index.js";
import type { Config } from "./config/index.js";
import type { HubControls } from "./controls/index.js";
import {
  type ActionOutcome,
  background,
  type Clock,
  type EventBus,
  type HubEvents,
  type IngestedSample,
  type Logger,
  own,
  type PlannedAction,
  type SleepState,
  type StressState,
} from "./core/index.js";
import type { StressDetector } from "./detect/index.js";
import type { HaSource, Ingest } from "./ingest/index.js";
import { stateTopic } from "./mqtt/index.js";
import { evaluateRules, type RuleRegistry } from "./rules/index.js";
import type { Store } from "./store/index.js";

const STATE_MIN_INTERVAL_MS = 5_000;
const STATE_HEARTBEAT_MS = 30_000;

/** What the pipeline tells of each reading, in order; the hub wires each to its component. */
export interface PipelineDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  /** Observers only (history, metrics, live stream): told after the behaviour below has run. */
  bus: EventBus<HubEvents>;
  ingest: Ingest;
  /** Home Assistant sensors that are a person's wearable source (from `ingestFromConfig`). */
  haSources: ReadonlyMap<string, HaSource>;
  detector: StressDetector;
  rules: RuleRegistry;
  store: Pick<Store["cooldowns"], "lastFired" | "recordFired">;
  controls: Pick<HubControls, "paused">;
  /** A calm episode follows the person's stress (ends when calm). */
  episodes: { onStress(state: StressState): void };
  /** The friend suggester counts how long someone has been high, and knows who sleeps. */
  friends: { observeStress(state: StressState): void; observeSleep(person: string, sleep: SleepState): void };
  /** The breathing guide adapts to the person's breathing and stops once they are calm. */
  breathing?: { observe(sample: IngestedSample["sample"]): void; onStress(state: StressState): void };
  /** Carries out a rule's actions through the one door to Home Assistant. */
  act(actions: PlannedAction[]): Promise<ActionOutcome[]>;
  /** Retained hub state out (`calm/<person>/state`). */
  publishLatest(topic: string, payload: string): void;
  timeZone(): string;
}

/**
 * One reading through the hub: ingest → detect → episodes → rules → actions, as direct calls in that
 * order, then the observers. Synchronous up to the actions, so the broker's ack follows the work.
 */
export class ReadingPipeline {
  private readonly d: PipelineDeps;
  private readonly sleep = new Map<string, SleepState>();
  /** Home Assistant sensors that are wearable sources: entity id → whose and what. */
  private readonly lastPublished = new Map<string, { level: string; score: number; at: number }>();
  private sampleBuffer: IngestedSample["sample"][] = [];

  constructor(deps: PipelineDeps) {
    this.d = deps;
  }

  isAsleep(person: string): boolean {
    return this.sleep.get(person) === "asleep";
  }

  /** People the hub has published a state for (configured or not). */
  publishedPeople(): string[] {
    return [...this.lastPublished.keys()];
  }

  /** An MQTT message from a reading topic. */
  handleMessage(topic: string, payload: Buffer): void {
    this.process(this.d.ingest.handle(topic, payload));
  }

  /** Sensor updates from Home Assistant that are configured as a person's wearable source. */
  handleHaEntities(changed: readonly { entity_id: string }[]): void {
    const now = this.d.clock.now();
    for (const entity of changed) {
      const source = this.d.haSources.get(entity.entity_id);
      if (!source) continue;
      const result = sampleFromHaState(entity, {
        person: source.person,
        metric: source.metric,
        received_at: now,
      });
      this.process(this.d.ingest.accept(result, entity.entity_id, now));
    }
  }

  private process(items: readonly IngestedSample[]): void {
    const { detector, episodes, friends, bus } = this.d;
    for (const item of items) {
      const { sample } = item;
      this.sampleBuffer.push(sample);
      if (sample.sleep !== undefined) {
        this.sleep.set(sample.person, sample.sleep);
        friends.observeSleep(sample.person, sample.sleep);
      }
      if (item.fresh) this.d.breathing?.observe(sample);
      const previous = detector.state(sample.person);
      const state = detector.update(sample);
      if (state) {
        this.publishState(state);
        episodes.onStress(state);
        this.d.breathing?.onStress(state);
        if (item.fresh && state.actionable) this.decide(state, previous, sample.id);
        // After the rules: a friend nudge never goes out ahead of the rule for the same reading.
        friends.observeStress(state);
      }
      bus.emit("sample", item);
      if (state) bus.emit("stress", state, previous);
    }
  }

  private decide(state: StressState, previous: StressState | undefined, readingId: string | undefined): void {
    const { store, logger, bus } = this.d;
    const now = this.d.clock.now();
    const decisions = evaluateRules(
      this.d.rules.active(),
      {
        person: state.person,
        state,
        previous,
        reading_id: readingId,
        name: own(this.d.config.people, state.person)?.name,
      },
      { now, timeZone: this.d.timeZone(), lastFired: (rule, person) => store.lastFired(rule, person) },
    );
    for (const d of decisions) {
      // Pause and mode are the runner's to enforce (it logs what it holds back); a rule held back by a pause
      // does not start its cooldown, so it can act on the first reading after the pause ends.
      if (d.outcome === "fired" && !this.d.controls.paused) store.recordFired(d.rule_id, d.person, now);
      if (d.actions.length)
        background(
          this.d.act(d.actions),
          logger,
          { component: "rules", rule: d.rule_id },
          "rule actions failed",
        );
    }
    for (const d of decisions) {
      // Debug: every action has its own info line with the result, and the action log says why.
      logger.debug(
        { component: "rules", rule: d.rule_id, person: d.person, outcome: d.outcome },
        `rule ${d.outcome}`,
      );
      bus.emit("decision", d);
    }
  }

  private publishState(state: StressState): void {
    // Retained, at once when the level changes, otherwise at most every few seconds (and as a heartbeat): a
    // reading stream of thousands per second must not become as many retained writes.
    const last = this.lastPublished.get(state.person);
    const now = this.d.clock.now();
    if (last && last.level === state.level) {
      const since = now - last.at;
      if (since < STATE_MIN_INTERVAL_MS) return;
      if (Math.abs(last.score - state.score) < 1 && since < STATE_HEARTBEAT_MS) return;
    }
    this.lastPublished.set(state.person, { level: state.level, score: state.score, at: now });
    const body = {
      level: state.level,
      score: Math.round(state.score),
      since: new Date(state.since).toISOString(),
      reason: state.reason,
      baseline_ready: state.baseline_ready,
    };
    this.d.publishLatest(stateTopic(this.d.config.mqtt.base_topic, state.person), JSON.stringify(body));
  }

  /** Writes the buffered readings in one batch (one chunk per person, see the sample repository). */
  takeSamples(): IngestedSample["sample"][] {
    const batch = this.sampleBuffer;
    this.sampleBuffer = [];
    return batch;
  }

  /** Per-person delete: nothing of theirs stays buffered, and their retained state is cleared. */
  forget(person: string): void {
    this.sampleBuffer = this.sampleBuffer.filter((s) => s.person !== person);
    this.sleep.delete(person);
    this.lastPublished.delete(person);
    this.d.publishLatest(stateTopic(this.d.config.mqtt.base_topic, person), "");
  }
}
