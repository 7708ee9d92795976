export { type StressBucket, StressHistory, type StressHistoryOptions } from "./stress-history.js";
