export { createDemoSimulator, type DemoOptions } from "./demo.js";
export {
  createPersonModel,
  DEFAULT_EPISODES,
  DEMO_EPISODES,
  DEMO_TIME_SCALE,
  episodeStress,
  type PersonModel,
  type PersonModelOptions,
  type StressEpisode,
  seededRandom,
} from "./model.js";
export {
  FAST_FALL_PER_MIN,
  likes,
  nextScore,
  type Preference,
  RESPONDING_PEOPLE,
  type RespondingPerson,
  type RoomSense,
  SLOW_FALL_PER_MIN,
  senseRoom,
} from "./recipe-response.js";
export {
  type SimMqttClient,
  type SimPerson,
  WearableSimulator,
  type WearableSimulatorOptions,
} from "./simulator.js";
