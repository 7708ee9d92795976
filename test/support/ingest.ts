import { getAdapter } from "../../devices/adapters/index.js";
import { type Clock, silentLogger } from "../../hub/core/index.js";
import { Ingest, type Route } from "../../hub/ingest/index.js";

/**
 * An Ingest with the defaults of a fresh config (5 min max age, 30 s future tolerance) and every adapter;
 * native readings on `calm/<person>/wearable` unless other routes are given.
 */
export function testIngest(
  clock: Clock,
  routes: Route[] = [{ filter: "calm/+/wearable", format: "native" }],
  knownPeople: string[] = [],
): Ingest {
  return new Ingest({
    baseTopic: "calm",
    routes,
    acceptUnknownPeople: true,
    maxPeople: 100_000,
    knownPeople: new Set(knownPeople),
    maxPayloadBytes: 65_536,
    maxAgeMs: 300_000,
    futureToleranceMs: 30_000,
    logIntervalMs: 60_000,
    clock,
    logger: silentLogger(),
    getAdapter,
  });
}
