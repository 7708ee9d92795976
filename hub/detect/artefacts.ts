import type { ArtefactConfig } from "../config/index.js";

export interface ArtefactResult {
  /** The intervals kept, in their original order. */
  nn: number[];
  /** Indexes (into the input) of the intervals dropped. */
  dropped: number[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const hi = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

/**
 * Drops what is not a normal sinus beat-to-beat interval.
 *
 * Rule (in this order):
 * 1. physiologic bounds: an RR outside [min_rr_ms, max_rr_ms] is dropped;
 * 2. local median: of the RRs left, one that differs more than `max_deviation` (20 %) from the median of
 *    the window of `half_window` beats on each side (itself included; shorter at the ends) is dropped.
 *    A missed beat (about double) or an ectopic pair (short then long) stands out against the median,
 *    which a single artefact cannot drag along, unlike a mean.
 */
export function rejectArtefacts(rr: readonly number[], config: ArtefactConfig): ArtefactResult {
  const dropped: number[] = [];
  const inBounds: { value: number; index: number }[] = [];
  rr.forEach((value, index) => {
    if (Number.isFinite(value) && value >= config.min_rr_ms && value <= config.max_rr_ms) {
      inBounds.push({ value, index });
    } else {
      dropped.push(index);
    }
  });
  const nn: number[] = [];
  const values = inBounds.map((b) => b.value);
  const h = config.half_window;
  inBounds.forEach(({ value, index }, i) => {
    const local = median(values.slice(Math.max(0, i - h), i + h + 1));
    if (Math.abs(value - local) > config.max_deviation * local) dropped.push(index);
    else nn.push(value);
  });
  dropped.sort((a, b) => a - b);
  return { nn, dropped };
}
