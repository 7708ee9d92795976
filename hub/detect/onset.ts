import { z } from "zod";
import type { OnsetConfig } from "../config/index.js";

const ChannelJsonSchema = z.strictObject({
  started_at: z.number().nullable(),
  last_at: z.number().nullable(),
  smooth: z.number().nullable(),
  ref: z.number().nullable(),
  noise: z.number().nullable(),
  sum: z.number(),
});
type ChannelJson = z.infer<typeof ChannelJsonSchema>;

export const OnsetJsonSchema = z.strictObject({
  eda: ChannelJsonSchema,
  hr: ChannelJsonSchema,
  episode_since: z.number().nullable(),
  below_since: z.number().nullable(),
});
export type OnsetJson = z.infer<typeof OnsetJsonSchema>;

export const ONSET_CHANNELS = ["eda", "hr"] as const;
export type OnsetChannel = (typeof ONSET_CHANNELS)[number];

function emptyChannel(): ChannelJson {
  return { started_at: null, last_at: null, smooth: null, ref: null, noise: null, sum: 0 };
}

const step = (dt: number, tau: number): number => (tau <= 0 ? 1 : 1 - Math.exp(-dt / tau));

export interface OnsetReading {
  /** ln(EDA) is taken here; pass the raw microsiemens. */
  eda?: number | undefined;
  hr?: number | undefined;
}

/**
 * One person's onset detector: a one-sided CUSUM per signal against a reference that learns only while no
 * episode is on, so a task registers as a new rise even when the long baseline is already exceeded.
 * Pure; time comes from the readings.
 */
export class Onset {
  private readonly config: OnsetConfig;
  private s: OnsetJson;

  constructor(config: OnsetConfig, json?: OnsetJson) {
    this.config = config;
    this.s = json
      ? structuredClone(json)
      : { eda: emptyChannel(), hr: emptyChannel(), episode_since: null, below_since: null };
  }

  /** Whether an episode is on. */
  get active(): boolean {
    return this.s.episode_since !== null;
  }

  /** Whether a channel that can fire has had a reading within `gap_s`: only then does it decide "high". */
  covers(at: number): boolean {
    return ONSET_CHANNELS.some((n) => {
      const last = this.s[n].last_at;
      return this.config[n].weight > 0 && last !== null && at - last <= this.config.gap_s * 1000;
    });
  }

  /** 0 at rest, 1 at the firing threshold, above while it keeps rising (the strongest channel). */
  get strength(): number {
    let best = 0;
    for (const name of ONSET_CHANNELS) {
      const c = this.config[name];
      if (c.weight > 0) best = Math.max(best, this.s[name].sum / c.threshold);
    }
    return best;
  }

  /** Feeds one reading; `hold` (exercise) keeps the reference learning but nothing fires. */
  update(at: number, reading: OnsetReading, hold: boolean): void {
    const eda = reading.eda;
    // A channel with weight 0 cannot fire: skip its arithmetic on every reading.
    if (eda !== undefined && eda > 0 && this.config.eda.weight > 0)
      this.channel("eda", at, Math.log(eda), hold);
    if (reading.hr !== undefined && this.config.hr.weight > 0) this.channel("hr", at, reading.hr, hold);
    const over = ONSET_CHANNELS.some(
      (n) => this.config[n].weight > 0 && this.s[n].sum >= this.config[n].threshold,
    );
    if (this.s.episode_since === null) {
      if (over && !hold) {
        this.s.episode_since = at;
        this.s.below_since = null;
      }
      return;
    }
    if (hold) {
      this.end(true);
      return;
    }
    if (over) this.s.below_since = null;
    else this.s.below_since ??= at;
    const released = this.s.below_since !== null && at - this.s.below_since >= this.config.release_s * 1000;
    if (released || at - this.s.episode_since >= this.config.max_episode_s * 1000) this.end(true);
  }

  toJSON(): OnsetJson {
    return structuredClone(this.s);
  }

  /** Ends the episode; re-baselining at the current level lets the next task register as a new rise. */
  private end(rebase: boolean): void {
    this.s.episode_since = null;
    this.s.below_since = null;
    for (const name of ONSET_CHANNELS) {
      const ch = this.s[name];
      ch.sum = 0;
      if (rebase && ch.smooth !== null) ch.ref = ch.smooth;
    }
  }

  private channel(name: OnsetChannel, at: number, x: number, hold: boolean): void {
    const c = this.config[name];
    const ch = this.s[name];
    if (ch.last_at !== null && (at < ch.last_at || at === ch.last_at)) return;
    if (ch.last_at === null || at - ch.last_at > this.config.gap_s * 1000) {
      Object.assign(ch, emptyChannel(), { started_at: at, last_at: at, smooth: x, ref: x });
      return;
    }
    const dt = Math.min(10, (at - ch.last_at) / 1000);
    ch.last_at = at;
    ch.smooth = (ch.smooth ?? x) + step(dt, c.smoothing_s) * (x - (ch.smooth ?? x));
    const ref = ch.ref ?? ch.smooth;
    const settling = ch.started_at !== null && at - ch.started_at < c.settle_s * 1000;
    const episode = this.s.episode_since !== null;
    const dev = ch.smooth - ref;
    if (settling) {
      // Follow the signal closely while it settles, so the reference is right when it starts to count.
      ch.ref = ref + step(dt, 30) * dev;
      ch.sum = 0;
      return;
    }
    const noise = Math.max(c.noise_floor, ch.noise ?? c.noise_floor);
    if (!episode) {
      ch.ref = ref + step(dt, dev < 0 ? c.reference_down_s : c.reference_s) * dev;
      if (ch.sum === 0) ch.noise = noise + step(dt, c.noise_s) * (Math.abs(dev) - noise);
    }
    ch.sum = hold ? 0 : Math.max(0, ch.sum + dt * (dev / noise - c.slack));
  }
}
