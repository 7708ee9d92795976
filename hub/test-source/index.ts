export { TEST_SOURCE_USAGE, type TestSourceIo, testSourceCommand } from "./command.js";
export { describeValues, SourceWatch, type WatchEvent, type WatchedSource } from "./watch.js";
