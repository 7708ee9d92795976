export {
  type MessageHandler,
  MqttLink,
  type MqttLinkOptions,
  type MqttLinkState,
  redactUrl,
} from "./link.js";
export { nativeTopicFilter, stateTopic, statusTopic, topicMatches } from "./topics.js";
