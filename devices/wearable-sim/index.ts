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
  type SimMqttClient,
  type SimPerson,
  WearableSimulator,
  type WearableSimulatorOptions,
} from "./simulator.js";
