export { type ActionOutcome, ActionRunner, type ActionRunnerOptions, type ServiceCaller } from "./runner.js";
