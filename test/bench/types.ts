/** Messages and results shared by the orchestrator and the bench children. */

export const SUT_KINDS = ["hub", "floor", "nodered", "nodered-ha"] as const;
export type SutKind = (typeof SUT_KINDS)[number];

export interface PublishSpec {
  people: number;
  rate: number;
  durationS: number;
  crossEvery: number;
  /** The rule's per-person cooldown; 0 fires on every crossing. */
  cooldownMs: number;
}

export interface SoakSpec {
  readings: number;
  people: number;
  /** Simulated span the readings' timestamps cover, ms (default one day). */
  spanMs?: number;
}

export interface SutSpec {
  mqttUrl: string;
  haUrl: string;
  haToken: string;
  base: string;
  clientId: string;
  /** Which broker the run uses; the floor speaks MQTT 5 to Mosquitto, as the hub does. */
  broker?: "mosquitto" | "aedes";
  logLevel?: string;
  keepData?: boolean;
  port?: number;
  /** The stress rule's per-person cooldown, seconds (every SUT applies it). */
  cooldownS?: number;
  publish?: PublishSpec;
  soak?: SoakSpec;
}

export interface SutStats {
  processed: number;
  firstAt: number;
  lastAt: number;
  beganAt: number;
  cpuUserS: number;
  cpuSystemS: number;
  maxRssMb: number;
  rssMb: number;
  heapUsedMb: number;
  receiptLagMs?: { p50: number; p99: number; n: number } | undefined;
  decisionLagMs?: { p50: number; p99: number; n: number } | undefined;
  accepted?: number;
  rejected?: number;
  errors?: number;
}

export interface PublisherResult {
  sent: number;
  acked: number;
  ackErrors: number;
  startAt: number;
  endAt: number;
  ackedAt: number;
  /** Flat [person index, publish ms] pairs, one per crossing the rule fires on, in publish order. */
  crossings: number[];
  /** Crossings the cooldown holds back (published, no call expected). */
  heldBack: number;
  /** Crossings that would have fallen too near the end of a cooldown to call either way, sent low instead. */
  avoided: number;
  cpuS: number;
}

export interface SoakSample {
  readings: number;
  rssMb: number;
  heapUsedMb: number;
}

export interface SoakResult {
  readings: number;
  people: number;
  simulatedHours: number;
  fired: number;
  wallS: number;
  samples: SoakSample[];
  startHeapMb: number;
  endHeapMb: number;
  startRssMb: number;
  endRssMb: number;
  /** Same loop with the hub's Ingest (native JSON adapter, zod, per-person dedupe window) in front. */
  withIngest?: Omit<SoakResult, "withIngest">;
}

export type ChildRequest = { type: "begin" } | { type: "stats" } | { type: "stop" };

export type ChildResponse =
  | { type: "ready"; url?: string }
  | { type: "begun" }
  | { type: "stats"; stats: SutStats }
  | { type: "stopped"; stats: SutStats }
  | { type: "published"; result: PublisherResult }
  | { type: "soak"; result: SoakResult }
  | { type: "error"; message: string };
