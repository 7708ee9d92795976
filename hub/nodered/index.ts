export {
  DEFAULT_NODE_RED_PORT,
  type EmbeddedNodeRed,
  EXAMPLE_FLOWS,
  exampleFlowFiles,
  HTTP_NODE_ROOT,
  HUB_URL_ENV,
  mergeFlowFiles,
  type NodeRedOptions,
  startNodeRed,
} from "./embedded.js";
