export {
  DEFAULT_NODE_RED_PORT,
  EDITOR_PASSWORD_FILE,
  EDITOR_USER,
  type EmbeddedNodeRed,
  EXAMPLE_FLOWS,
  exampleFlowFiles,
  HTTP_NODE_ROOT,
  HUB_URL_ENV,
  mergeFlowFiles,
  type NodeRedOptions,
  startNodeRed,
} from "./embedded.js";
