export { HaError, toHaError } from "./errors.js";
export { type CallResult, HaLink, type HaLinkOptions, type HaLinkState } from "./link.js";
export { anyoneHome } from "./presence.js";
