export {
  Ingest,
  type IngestCounters,
  type IngestedSample,
  type IngestOptions,
  PERSON_ID_PATTERN,
  type Route,
} from "./ingest.js";
