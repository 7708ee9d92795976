/**
 * A pure, seeded physiological signal model for one person. `next(t)` returns a native payload
 * (`calm/<person>/wearable`) covering the time since the previous call: heart rate with slow drift and
 * noise, RR intervals consistent with it (respiratory sinus arrhythmia plus beat-to-beat noise),
 * RMSSD over the last minute of beats, EDA, respiration, skin temperature and, optionally, a vendor
 * 0-100 stress score. Stress follows a scripted curve (`stressAt`): episodes that rise, hold and fall.
 *
 * Same options and the same sequence of `next` times give the same payloads.
 */
import { seededRandom } from "../../hub/core/index.js";
import type { NativePayload } from "../adapters/native.js";

export interface StressEpisode {
  /** Scenario time from the model's start at which stress begins to rise, ms. */
  startMs: number;
  riseMs: number;
  holdMs: number;
  fallMs: number;
  /** 0-1 */
  peak: number;
}

export interface PersonModelOptions {
  person: string;
  seed: number;
  /** bpm at rest, default 62 */
  restingHr?: number;
  /** ms at rest, default 45 */
  restingRmssd?: number;
  /** µS at rest, default 2 */
  baseEda?: number;
  /** breaths/min at rest, default 14 */
  baseResp?: number;
  /** °C at rest, default 33.5 */
  baseSkinTemp?: number;
  /** Stress script, default {@link DEFAULT_EPISODES}. */
  episodes?: readonly StressEpisode[];
  /** Repeat the script every this many scenario ms (default: no repeat). */
  repeatEveryMs?: number;
  /** Scenario ms per real ms (default 1). Compresses the stress script and drift, not the timestamps
   * or the beats: RR intervals always fill real time. */
  timeScale?: number;
  /** Epoch ms of scenario time 0; default: the first `next` call. */
  startAt?: number;
  /** Include a vendor `stress` score, default false. */
  vendorStress?: boolean;
  /** Window covered by the first `next` call, ms (default 5000). */
  intervalMs?: number;
  /** `source` in the payloads, default "wearable-sim". */
  source?: string;
  /** A breathing pace the person is being guided at, breaths/min, or undefined when nobody guides them
   * (the demo passes the hub's breathing guide). */
  guidedPace?: (t: number) => number | undefined;
  /** How much of the way from their own breathing to the guided pace the person goes, 0-1 (default 0.6). */
  follows?: number;
}

export interface PersonModel {
  readonly person: string;
  /** Scripted stress 0-1 at epoch ms `t`. */
  stressAt(t: number): number;
  /** The payload for the window ending at epoch ms `t`. */
  next(t: number): NativePayload & { ts: number; hr: number; rr: number[] };
}

const MIN = 60_000;
/** Longest stretch of beats one `next` call fills in. */
const MAX_BACKFILL_MS = 60_000;

/** A calm start, a strong episode at 10 min, a milder one at 60 min. */
export const DEFAULT_EPISODES: readonly StressEpisode[] = [
  { startMs: 10 * MIN, riseMs: 3 * MIN, holdMs: 5 * MIN, fallMs: 4 * MIN, peak: 0.85 },
  { startMs: 60 * MIN, riseMs: 4 * MIN, holdMs: 6 * MIN, fallMs: 6 * MIN, peak: 0.6 },
];

/** With `DEMO_TIME_SCALE`, stress starts rising 10 s after start, peaks at 22 s, holds to 40 s and is
 * gone by 52 s of real time. */
export const DEMO_TIME_SCALE = 10;
export { seededRandom };

export const DEMO_EPISODES: readonly StressEpisode[] = [
  { startMs: 100_000, riseMs: 120_000, holdMs: 180_000, fallMs: 120_000, peak: 0.9 },
];

function gaussian(rand: () => number): () => number {
  return () => {
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

const smooth = (x: number): number => (1 - Math.cos(Math.PI * Math.min(1, Math.max(0, x)))) / 2;

/** Stress 0-1 of one script at scenario time `s` (ms). */
export function episodeStress(episodes: readonly StressEpisode[], s: number): number {
  let level = 0;
  for (const e of episodes) {
    const d = s - e.startMs;
    if (d < 0) continue;
    let v: number;
    if (d < e.riseMs) v = smooth(d / e.riseMs);
    else if (d < e.riseMs + e.holdMs) v = 1;
    else if (d < e.riseMs + e.holdMs + e.fallMs) v = 1 - smooth((d - e.riseMs - e.holdMs) / e.fallMs);
    else v = 0;
    level = Math.max(level, v * e.peak);
  }
  return Math.min(1, Math.max(0, level));
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const round = (v: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

export function createPersonModel(opts: PersonModelOptions): PersonModel {
  const rand = seededRandom(opts.seed);
  const gauss = gaussian(rand);
  const restingHr = opts.restingHr ?? 62;
  const restingRmssd = opts.restingRmssd ?? 45;
  const baseEda = opts.baseEda ?? 2;
  const baseResp = opts.baseResp ?? 14;
  const baseSkinTemp = opts.baseSkinTemp ?? 33.5;
  const episodes = opts.episodes ?? DEFAULT_EPISODES;
  const timeScale = opts.timeScale ?? 1;
  const source = opts.source ?? "wearable-sim";
  const intervalMs = opts.intervalMs ?? 5000;
  // Slow drift: two sines with seeded phases (periods of 7 and 23 scenario minutes).
  const phase1 = rand() * 2 * Math.PI;
  const phase2 = rand() * 2 * Math.PI;
  let startAt = opts.startAt;
  let lastT: number | undefined;
  let seq = 0;
  let hrNoise = 0; // AR(1) noise on heart rate
  let edaTonic = 0;
  let lastBeatAt = 0; // epoch ms of the last generated beat
  let breathPhase = rand() * 2 * Math.PI;
  const recentRr: number[] = [];

  const scenario = (t: number): number => (t - (startAt ?? t)) * timeScale;

  const stressAt = (t: number): number => {
    let s = scenario(t);
    if (opts.repeatEveryMs !== undefined && opts.repeatEveryMs > 0 && s >= 0) s %= opts.repeatEveryMs;
    return episodeStress(episodes, s);
  };

  const drift = (t: number): number => {
    const m = scenario(t) / MIN;
    return 2.5 * Math.sin((2 * Math.PI * m) / 7 + phase1) + 1.5 * Math.sin((2 * Math.PI * m) / 23 + phase2);
  };

  return {
    person: opts.person,
    stressAt,
    next(t) {
      if (startAt === undefined) startAt = t;
      const windowStart = lastT ?? t - intervalMs;
      // First call, or a long gap since the last one: beats cover only the last interval (no backfill).
      if (lastT === undefined || t - lastBeatAt > MAX_BACKFILL_MS)
        lastBeatAt = Math.max(windowStart, t - intervalMs);
      lastT = t;
      const stress = stressAt(t);

      hrNoise = 0.85 * hrNoise + gauss() * 0.8;
      const hr = clamp(restingHr + drift(t) + 24 * stress + hrNoise, 35, 190);
      const own = baseResp + 5 * stress + gauss() * 0.4;
      const pace = opts.guidedPace?.(t);
      const follows = clamp(opts.follows ?? 0.6, 0, 1);
      const resp = pace === undefined ? clamp(own, 6, 40) : clamp(own + follows * (pace - own), 4, 40);
      // Target RMSSD falls with stress; 60 % of it from RSA, the rest from beat-to-beat noise.
      const targetRmssd = clamp(restingRmssd * (1 - 0.6 * stress) * (1 + 0.05 * gauss()), 4, 200);

      // Beats from the last beat up to t.
      const rr: number[] = [];
      const meanRr = 60_000 / hr;
      const f = resp / 60; // Hz
      const T = meanRr / 1000; // s
      const rsaAmp = (Math.sqrt(1.2) * targetRmssd) / (2 * Math.PI * f * T);
      const beatNoise = Math.sqrt(0.2) * targetRmssd;
      while (rr.length < 300) {
        const rsa = Math.min(rsaAmp, meanRr * 0.15) * Math.sin(breathPhase);
        const interval = clamp(meanRr + rsa + beatNoise * gauss(), 300, 2000);
        if (lastBeatAt + interval > t) break;
        lastBeatAt += interval;
        breathPhase = (breathPhase + 2 * Math.PI * f * (interval / 1000)) % (2 * Math.PI);
        rr.push(Math.round(interval));
      }
      for (const v of rr) recentRr.push(v);
      while (recentRr.length > 60) recentRr.shift();
      let rmssd: number | undefined;
      if (recentRr.length >= 3) {
        let sum = 0;
        for (let i = 1; i < recentRr.length; i++) sum += ((recentRr[i] ?? 0) - (recentRr[i - 1] ?? 0)) ** 2;
        rmssd = Math.sqrt(sum / (recentRr.length - 1));
      }

      edaTonic = 0.95 * edaTonic + gauss() * 0.03;
      const eda = clamp(
        baseEda * (1 + 2.2 * stress) + edaTonic + Math.abs(gauss()) * 0.15 * stress,
        0.05,
        60,
      );
      const skinTemp = clamp(
        baseSkinTemp - 0.9 * stress + 0.2 * Math.sin(phase2 + scenario(t) / (30 * MIN)) + gauss() * 0.03,
        25,
        40,
      );

      seq++;
      const payload: NativePayload & { ts: number; hr: number; rr: number[] } = {
        ts: Math.round(t),
        id: `${opts.person}-${opts.seed}-${seq}`,
        hr: round(hr, 1),
        rr,
        ...(rmssd !== undefined ? { rmssd: round(clamp(rmssd, 0, 500), 1) } : {}),
        eda: round(eda, 3),
        resp: round(resp, 1),
        skin_temp: round(skinTemp, 2),
        activity: "rest",
        source,
      };
      if (opts.vendorStress) payload.stress = Math.round(clamp(12 + 75 * stress + gauss() * 4, 0, 100));
      return payload;
    },
  };
}
