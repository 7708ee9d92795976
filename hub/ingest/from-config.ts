import { acceptsUnknownPeople, type Config } from "../config/index.js";
import type { Clock, Logger, WearableAdapter } from "../core/index.js";
import { nativeTopicFilter } from "../mqtt/index.js";
import { Ingest, type Rejection, type Route } from "./ingest.js";

/** What a person's Home Assistant sensor source measures (config `people.<id>.sources[].metric`). */
export type HaSourceMetric = Extract<
  Config["people"][string]["sources"][number],
  { entity_id: string }
>["metric"];

export interface HaSource {
  person: string;
  metric: HaSourceMetric;
}

export interface IngestWiring {
  ingest: Ingest;
  /** Home Assistant sensors that are a person's wearable source: entity id → whose and what. */
  haSources: Map<string, HaSource>;
}

export interface IngestDeps {
  clock: Clock;
  logger: Logger;
  getAdapter(format: string): WearableAdapter | undefined;
  onReject?: (rejection: Rejection) => void;
}

/**
 * The routes and checks of a config, in one place: the hub and `calm-hub test-source` build their ingest here,
 * so that what test-source accepts or refuses is exactly what the hub would.
 */
export function ingestFromConfig(config: Config, deps: IngestDeps): IngestWiring {
  const routes: Route[] = [];
  const haSources = new Map<string, HaSource>();
  for (const [person, p] of Object.entries(config.people)) {
    for (const source of p.sources) {
      if ("topic" in source) routes.push({ filter: source.topic, format: source.format, person });
      else haSources.set(source.entity_id, { person, metric: source.metric });
    }
  }
  // Last, so a person's own vendor topic wins over the catch-all native one.
  routes.push({ filter: nativeTopicFilter(config.mqtt.base_topic), format: "native" });
  const ingest = new Ingest({
    baseTopic: config.mqtt.base_topic,
    routes,
    acceptUnknownPeople: acceptsUnknownPeople(config),
    maxPeople: config.ingest.max_people,
    knownPeople: new Set(Object.keys(config.people)),
    maxPayloadBytes: config.ingest.max_payload_bytes,
    maxAgeMs: config.ingest.max_age_s * 1000,
    futureToleranceMs: config.ingest.future_tolerance_s * 1000,
    logIntervalMs: config.ingest.log_interval_s * 1000,
    clock: deps.clock,
    logger: deps.logger,
    getAdapter: deps.getAdapter,
    ...(deps.onReject ? { onReject: deps.onReject } : {}),
  });
  return { ingest, haSources };
}
