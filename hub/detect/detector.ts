import { z } from "zod";
import { type DetectorConfig, type DetectorConfigInput, DetectorConfigSchema } from "../config/index.js";
import {
  plausible,
  type Sample,
  type StressLevel,
  type StressState,
  StressStateSchema,
} from "../core/index.js";
import { Baseline, BaselineJsonSchema, type Metric } from "./baseline.js";
import type { DayPart } from "./day-part.js";
import { forceLevel, type LevelState, stepLevel, targetLevel } from "./levels.js";
import { Onset, OnsetJsonSchema } from "./onset.js";
import { describe } from "./reason.js";
import { RrWindow } from "./rr-window.js";
import { type Contribution, deviationScore, fallbackHrScore, fuse, signalOf } from "./score.js";

const LevelStateSchema = z.strictObject({
  level: z.enum(["calm", "elevated", "high"]),
  since: z.number(),
  pending: z.enum(["calm", "elevated", "high"]).nullable(),
  pending_since: z.number().nullable(),
});

const PersonJsonSchema = z.strictObject({
  baseline: BaselineJsonSchema,
  recent: BaselineJsonSchema,
  rr: z.array(z.strictObject({ at: z.number(), rr: z.number() })),
  level: LevelStateSchema,
  smoothed: z.number().nullable(),
  smoothed_at: z.number().nullable(),
  last_at: z.number().nullable(),
  exercise_until: z.number().nullable(),
  freeze_since: z.number().nullable(),
  last_state: StressStateSchema.nullable(),
  // Absent in state saved before the onset detector: it then starts afresh.
  onset: OnsetJsonSchema.optional(),
  shown: z.strictObject({ level: z.enum(["calm", "elevated", "high"]), since: z.number() }).optional(),
});

/** Everything the detector knows, for the store to persist and a restarted (or another) hub to resume. */
export const DetectorStateSchema = z.strictObject({
  version: z.literal(1),
  persons: z.record(z.string(), PersonJsonSchema),
});
export type DetectorStateJson = z.infer<typeof DetectorStateSchema>;

interface PersonState {
  baseline: Baseline;
  /** The last few minutes only, never frozen: the reference for quick rises. */
  recent: Baseline;
  rr: RrWindow;
  level: LevelState;
  smoothed: number | null;
  smoothed_at: number | null;
  last_at: number | null;
  exercise_until: number | null;
  freeze_since: number | null;
  last_state: StressState | null;
  onset: Onset;
  /** The level reported, which with the onset detector on differs from the score machine's. */
  shown: { level: StressLevel; since: number };
}

function inRange(metric: Metric, v: number | undefined): number | undefined {
  return plausible(metric, v);
}

/**
 * Per-person stress from normalized samples. Pure: time comes only from the samples' timestamps.
 *
 * Each physiological signal is compared with the person's own robust baseline (per source and day part);
 * the deviations are fused into a 0-100 score, smoothed, and turned into a level with hysteresis and a
 * minimum duration. A fresh vendor score >= `vendor_high` sets "high" at once.
 */
export class StressDetector {
  readonly config: DetectorConfig;
  private readonly persons = new Map<string, PersonState>();

  constructor(config: DetectorConfigInput = {}) {
    this.config = DetectorConfigSchema.parse(config);
  }

  /** The new estimate for the sample's person, or undefined when the sample says nothing new about it
   * (too low quality, out of order, or no usable measurement). */
  update(sample: Sample): StressState | undefined {
    const c = this.config;
    if (sample.quality < c.min_quality) return undefined;
    const ps = this.person(sample.person);
    const at = sample.measured_at;
    const stale = sample.received_at - at > c.max_age_s * 1000;
    const outOfOrder = ps.last_at !== null && at < ps.last_at;
    if (Number.isNaN(ps.level.since)) ps.level.since = at;
    // NaN would not survive JSON: a person seen once without a usable reading must still export cleanly.
    if (Number.isNaN(ps.shown.since)) ps.shown.since = at;

    const exerciseNow =
      sample.activity === "active" ||
      sample.activity === "workout" ||
      (sample.steps ?? 0) >= c.exercise_steps;
    if (exerciseNow && !outOfOrder) {
      ps.exercise_until = Math.max(
        ps.exercise_until ?? Number.NEGATIVE_INFINITY,
        at + c.exercise_cooldown_s * 1000,
      );
    }
    const exercising = exerciseNow || (ps.exercise_until !== null && at < ps.exercise_until);

    if (sample.rr && sample.rr.length > 0 && !outOfOrder) ps.rr.add(at, sample.rr);
    const hrv = ps.rr.metrics(c.artefacts, c.rr_min_beats);
    const values: Partial<Record<Metric, number>> = {};
    const hr = inRange("hr", sample.hr ?? hrv?.mean_hr_bpm);
    if (hr !== undefined) values.hr = hr;
    const rmssd = inRange("rmssd", hrv?.rmssd_ms ?? sample.rmssd);
    if (rmssd !== undefined) values.rmssd = rmssd;
    else {
      const sdnn = inRange("sdnn", hrv?.sdnn_ms ?? sample.sdnn);
      if (sdnn !== undefined) values.sdnn = sdnn;
    }
    for (const m of ["eda", "resp", "skin_temp"] as const) {
      const v = inRange(m, sample[m]);
      if (v !== undefined) values[m] = v;
    }
    const metrics = Object.keys(values) as Metric[];

    // Baseline first compares, then learns, so a reading never softens its own deviation.
    const contributions: Contribution[] = [];
    let baselineReady = false;
    let scope: DayPart | "all" | undefined;
    for (const m of metrics) {
      const base = ps.baseline.get(sample.source, m, at);
      if (!base) continue;
      baselineReady = true;
      scope ??= base.scope;
      const signal = signalOf(m);
      contributions.push({
        signal,
        score: deviationScore(m, values[m] ?? 0, base, c),
        weight: c.weights[signal],
      });
    }
    if (c.weights.rise > 0) {
      for (const m of ["hr", "eda"] as const) {
        const v = values[m];
        const ref = v === undefined ? undefined : ps.recent.get(sample.source, m, at);
        if (v === undefined || !ref || !baselineReady) continue;
        contributions.push({ signal: "rise", score: deviationScore(m, v, ref, c), weight: c.weights.rise });
      }
    }
    if (!outOfOrder && !exercising) {
      for (const [m, v] of Object.entries(values) as [Metric, number][])
        ps.recent.add(sample.source, m, v, at);
    }
    if (!baselineReady && values.hr !== undefined) {
      contributions.push({ signal: "hr", score: fallbackHrScore(values.hr, c), weight: 1 });
    }
    this.learn(ps, sample.source, values, at, exercising, outOfOrder);
    if (outOfOrder) return undefined;
    if (c.onset.enabled) ps.onset.update(at, { eda: values.eda, hr: values.hr }, exercising);

    const vendor =
      sample.stress !== undefined && Number.isFinite(sample.stress)
        ? Math.min(100, Math.max(0, sample.stress))
        : undefined;
    const phys = fuse(contributions);
    if (phys === undefined && vendor === undefined) {
      ps.last_at = at;
      return undefined;
    }

    const gap = ps.last_at !== null && at - ps.last_at > c.gap_s * 1000;
    if (gap) ps.level = { ...ps.level, pending: null, pending_since: null };
    if (phys !== undefined) {
      if (ps.smoothed === null || ps.smoothed_at === null || at - ps.smoothed_at > c.gap_s * 1000)
        ps.smoothed = phys;
      else
        ps.smoothed += (1 - Math.exp(-(at - ps.smoothed_at) / (c.smoothing_s * 1000))) * (phys - ps.smoothed);
      ps.smoothed_at = at;
    }
    const physScore = phys === undefined ? undefined : (ps.smoothed ?? phys);
    let score: number;
    if (vendor !== undefined && physScore !== undefined) {
      score = (c.weights.vendor * vendor + physScore) / (c.weights.vendor + 1);
      contributions.push({ signal: "vendor", score: vendor, weight: c.weights.vendor });
    } else if (vendor !== undefined) {
      score = vendor;
      contributions.push({ signal: "vendor", score: vendor, weight: 1 });
    } else score = physScore ?? 0;

    const vendorFastPath = !exercising && !stale && vendor !== undefined && vendor >= c.vendor_high;
    if (exercising) ps.level = forceLevel(ps.level, "calm", at);
    else if (vendorFastPath) ps.level = forceLevel(ps.level, "high", at);
    else ps.level = stepLevel(ps.level, targetLevel(ps.level.level, score, c), at, c);
    if (vendorFastPath) score = Math.max(score, vendor ?? 0);
    let level = ps.level.level;
    if (c.onset.enabled && vendor === undefined && !exercising && ps.onset.covers(at)) {
      // "high" means a new rise: the long-baseline score alone stays up through the rests between tasks and
      // would report one episode for a whole afternoon, so it can only say "elevated". Without a signal the
      // onset detector reads (a chest strap: heart rate only), the long-baseline level stands.
      if (ps.onset.active) {
        level = "high";
        score = Math.max(
          score,
          c.high_enter + (100 - c.high_enter) * Math.min(1, (ps.onset.strength - 1) / 2),
        );
      } else {
        if (level === "high") level = "elevated";
        score = Math.min(score, c.high_enter - 0.1);
      }
    }
    if (level !== ps.shown.level) ps.shown = { level, since: at };

    ps.last_at = at;
    const asleep = sample.sleep === "asleep";
    const state: StressState = {
      person: sample.person,
      level,
      score: Math.round(Math.min(100, Math.max(0, score)) * 10) / 10,
      since: ps.shown.since,
      at,
      reason: describe({
        contributions,
        baselineReady,
        dayPart: scope,
        exercising,
        asleep,
        stale,
        vendorFastPath,
        onset: level === "high" && ps.onset.active && !vendorFastPath,
        level,
      }),
      baseline_ready: baselineReady,
      actionable: !stale && !exercising && !asleep,
    };
    ps.last_state = state;
    return state;
  }

  /** The last estimate for a person, if any. */
  state(person: string): StressState | undefined {
    return this.persons.get(person)?.last_state ?? undefined;
  }

  /** People the detector has seen. */
  people(): string[] {
    return [...this.persons.keys()];
  }

  /** Forgets a person entirely (the "delete my data" path). */
  forget(person: string): boolean {
    return this.persons.delete(person);
  }

  exportState(): DetectorStateJson {
    const persons: DetectorStateJson["persons"] = {};
    for (const [name, ps] of this.persons) {
      persons[name] = {
        baseline: ps.baseline.toJSON(),
        recent: ps.recent.toJSON(),
        rr: ps.rr.toJSON(),
        level: { ...ps.level },
        smoothed: ps.smoothed,
        smoothed_at: ps.smoothed_at,
        last_at: ps.last_at,
        exercise_until: ps.exercise_until,
        freeze_since: ps.freeze_since,
        last_state: ps.last_state ? { ...ps.last_state } : null,
        onset: ps.onset.toJSON(),
        shown: { ...ps.shown },
      };
    }
    return { version: 1, persons };
  }

  /** Replaces what is known about the people in `json`; throws a zod error on a malformed document. */
  importState(json: unknown): void {
    const parsed = DetectorStateSchema.parse(json);
    for (const [name, p] of Object.entries(parsed.persons)) {
      this.persons.set(name, {
        baseline: Baseline.fromJSON(p.baseline, this.config.baseline),
        recent: Baseline.fromJSON(p.recent, this.recentConfig()),
        rr: RrWindow.fromJSON(p.rr, this.config.rr_window_s * 1000),
        level: { ...p.level },
        smoothed: p.smoothed,
        smoothed_at: p.smoothed_at,
        last_at: p.last_at,
        exercise_until: p.exercise_until,
        freeze_since: p.freeze_since,
        last_state: p.last_state,
        onset: new Onset(this.config.onset, p.onset),
        shown: p.shown ?? { level: p.level.level, since: p.level.since },
      });
    }
  }

  private recentConfig(): DetectorConfig["baseline"] {
    return {
      ...this.config.baseline,
      window_minutes: this.config.recent_minutes,
      min_minutes: this.config.recent_min_minutes,
    };
  }

  private person(name: string): PersonState {
    let ps = this.persons.get(name);
    if (!ps) {
      ps = {
        baseline: new Baseline(this.config.baseline),
        recent: new Baseline(this.recentConfig()),
        rr: new RrWindow(this.config.rr_window_s * 1000),
        level: { level: "calm", since: Number.NaN, pending: null, pending_since: null },
        smoothed: null,
        smoothed_at: null,
        last_at: null,
        exercise_until: null,
        freeze_since: null,
        last_state: null,
        onset: new Onset(this.config.onset),
        shown: { level: "calm", since: Number.NaN },
      };
      this.persons.set(name, ps);
    }
    return ps;
  }

  /**
   * Feeds the baseline, except during exercise (not a resting norm) and while an episode is under way or
   * building, so that stress does not become the norm; the freeze ends after `baseline_freeze_max_s` so a
   * lasting change of the person's normal is eventually learnt.
   */
  private learn(
    ps: PersonState,
    source: string,
    values: Partial<Record<Metric, number>>,
    at: number,
    exercising: boolean,
    outOfOrder: boolean,
  ): void {
    if (exercising) return;
    const episode =
      !outOfOrder &&
      (ps.level.level !== "calm" || ps.level.pending === "elevated" || ps.level.pending === "high");
    if (episode) {
      ps.freeze_since ??= at;
      if (at - ps.freeze_since < this.config.baseline_freeze_max_s * 1000) return;
    } else if (!outOfOrder) ps.freeze_since = null;
    for (const [m, v] of Object.entries(values) as [Metric, number][]) ps.baseline.add(source, m, v, at);
  }
}

export function createDetector(config: DetectorConfigInput = {}): StressDetector {
  return new StressDetector(config);
}
