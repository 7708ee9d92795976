export { type ArtefactResult, rejectArtefacts } from "./artefacts.js";
export {
  Baseline,
  type BaselineJson,
  BaselineJsonSchema,
  type BaselineStat,
  type Metric,
  MetricSchema,
} from "./baseline.js";
export { type CommandIo, EXIT_INPUT, EXIT_OK, EXIT_USAGE } from "./command-io.js";
export { type DayPart, dayPart } from "./day-part.js";
export { createDetector, type DetectorStateJson, DetectorStateSchema, StressDetector } from "./detector.js";
export { type EvaluateIo, evaluateCommand } from "./evaluate/evaluate-command.js";
export type { Scores, TaskScores } from "./evaluate/metrics.js";
export { type EvaluationReport, evaluate } from "./evaluate/run.js";
export { loadStressPredict, parseSubjects, type ReadLines } from "./evaluate/stress-predict.js";
export { type HrvMetrics, hrvMetrics } from "./hrv.js";
export { hrvCommand, type ParsedRr, parseRrText } from "./hrv-command.js";
export { type Beat, RrWindow } from "./rr-window.js";
