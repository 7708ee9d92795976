export { type EmbeddedBroker, startEmbeddedBroker } from "./embedded-broker.js";
