export {
  type HaSource,
  type HaSourceMetric,
  type IngestDeps,
  type IngestWiring,
  ingestFromConfig,
} from "./from-config.js";
export {
  Ingest,
  type IngestCounters,
  type IngestedSample,
  type IngestOptions,
  type Rejection,
  type Route,
} from "./ingest.js";
