export { type Policy, type PolicyState, policyRefusal } from "./policy.js";
export {
  type ActionOutcome,
  ActionRunner,
  type ActionRunnerOptions,
  LOCAL_DOMAIN,
  type LocalHandler,
  type ServiceCaller,
} from "./runner.js";
