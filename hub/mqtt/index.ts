export { anonymousBrokerWarning } from "./broker-security.js";
export {
  type DiscoveryEntity,
  type DiscoveryMemory,
  type DiscoveryMqtt,
  type DiscoveryOptions,
  MqttDiscovery,
  slug,
} from "./discovery.js";
export {
  credentialOptions,
  fatalConnectProblem,
  type MessageHandler,
  MqttLink,
  type MqttLinkOptions,
  type MqttLinkState,
  redactUrl,
} from "./link.js";
export { nativeTopicFilter, stateTopic, statusTopic, topicMatches, wildcardLevel } from "./topics.js";
