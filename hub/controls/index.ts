export {
  type ControlMemory,
  type ControlState,
  ControlStateSchema,
  HUB_MODES,
  HubControls,
  type HubMode,
  HubModeSchema,
} from "./controls.js";
