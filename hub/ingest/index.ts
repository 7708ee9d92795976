export {
  Ingest,
  type IngestCounters,
  type IngestedSample,
  type IngestOptions,
  type Route,
} from "./ingest.js";
