import type { ArtefactConfig } from "../config/index.js";
import { rejectArtefacts } from "./artefacts.js";
import { type HrvMetrics, hrvMetrics } from "./hrv.js";

/** A beat: when it ended (epoch ms) and its RR interval (ms). */
export interface Beat {
  at: number;
  rr: number;
}

/**
 * The last `windowMs` of beats for one person, for HRV over a sliding window. Beats inside a reading are
 * spread backwards from its timestamp by their own lengths, because readings carry RR lists, not beat times.
 */
export class RrWindow {
  private beats: Beat[] = [];
  private readonly windowMs: number;
  // Artefact rejection takes a median per beat: a reading without new beats reuses the last result.
  private memo: { config: ArtefactConfig; minBeats: number; value: HrvMetrics | undefined } | null = null;

  constructor(windowMs: number) {
    this.windowMs = windowMs;
  }

  add(at: number, rr: readonly number[]): void {
    let t = at;
    const stamped: Beat[] = [];
    for (let i = rr.length - 1; i >= 0; i--) {
      const v = rr[i] ?? 0;
      stamped.push({ at: t, rr: v });
      t -= Number.isFinite(v) && v > 0 ? v : 0;
    }
    stamped.reverse();
    this.memo = null;
    const last = this.beats.at(-1)?.at ?? Number.NEGATIVE_INFINITY;
    // A re-sent or overlapping list must not count beats twice.
    for (const b of stamped) if (b.at > last) this.beats.push(b);
    const cutoff = at - this.windowMs;
    let drop = 0;
    while (drop < this.beats.length && (this.beats[drop]?.at ?? 0) <= cutoff) drop++;
    if (drop > 0) this.beats.splice(0, drop);
  }

  /** HRV of the clean beats in the window, or undefined with fewer than `minBeats` clean beats. */
  metrics(config: ArtefactConfig, minBeats: number): HrvMetrics | undefined {
    const m = this.memo;
    if (m && m.config === config && m.minBeats === minBeats) return m.value;
    const { nn } = rejectArtefacts(
      this.beats.map((b) => b.rr),
      config,
    );
    const value = nn.length >= minBeats ? hrvMetrics(nn) : undefined;
    this.memo = { config, minBeats, value };
    return value;
  }

  toJSON(): Beat[] {
    return this.beats.map((b) => ({ ...b }));
  }

  static fromJSON(beats: readonly Beat[], windowMs: number): RrWindow {
    const w = new RrWindow(windowMs);
    w.beats = beats.map((b) => ({ ...b }));
    return w;
  }
}
