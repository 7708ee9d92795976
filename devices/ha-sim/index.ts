export type { AutomationRun, SimAutomation } from "./automations.js";
export { CONTEXT_RECENT_MS, type DeviceBehaviour } from "./behaviours.js";
export type { CallMatcher, RecordedCall } from "./call-log.js";
export {
  type AssistRequest,
  type EventMatcher,
  HaSimulator,
  type InjectedError,
  type NotificationAction,
  type StatePatch,
} from "./ha-simulator.js";
export { BERLIN, type HaSimulatorOptions } from "./options.js";
export type { CommandFailure, ReceivedCommand } from "./sim-connection.js";
export { HOUSEHOLD_USER_ID, SIM_USER_ID } from "./sim-home.js";
export type { SimClock } from "./time.js";
export type {
  AreaEntry,
  CoreState,
  DeviceEntry,
  EventOrigin,
  FloorEntry,
  HaAttributes,
  HaContext,
  HaEvent,
  HaState,
  LabelEntry,
  Location,
  SceneMemberTarget,
  SeedEntity,
} from "./types.js";
