export {
  type BanditSettings,
  chooseRecipe,
  type RecipeChoice,
  type RunOutcome,
  rewardOf,
  stoppedTwiceInARow,
} from "./bandit.js";
export { evaluateLearning, evaluateLearningCommand, type LearningFigure, senseOf } from "./evaluate.js";
export { heldBackWhy } from "./held-back.js";
export {
  type ComparisonRecord,
  ComparisonRecordSchema,
  comparisonOf,
  OUTCOME_WINDOW_MS,
  type OutcomeRecord,
  OutcomeRecordSchema,
  type ScorePoint,
  scoreArea,
} from "./outcome.js";
export { normal, type Random, seededRandom } from "./random.js";
export { type LearningRouteDeps, learningRoutes } from "./routes.js";
export {
  COMPARISON_SCOPE,
  Learning,
  type LearningDeps,
  OUTCOME_SCOPE,
  RECIPE_SCOPE,
  type RecipeListing,
  RecipeListingSchema,
} from "./service.js";
