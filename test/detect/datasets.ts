import { existsSync } from "node:fs";
import path from "node:path";

/** Where the third-party recordings live (never committed): CALM_DATASETS_DIR, else ../shared/data. */
export const DATASETS_DIR = process.env.CALM_DATASETS_DIR ?? path.resolve("../shared/data");

/**
 * Whether a dataset folder is there. On a user's machine it may not be, and the tests that need it skip
 * with a message; under CI=true a missing dataset is a failure, because a skipped check proves nothing.
 */
export function hasDataset(sub: string): boolean {
  const dir = path.join(DATASETS_DIR, sub);
  if (existsSync(dir)) return true;
  if (process.env.CI === "true") throw new Error(`dataset ${dir} is missing (CI=true: not skipping)`);
  console.warn(`skipping tests on ${sub}: ${dir} not found (set CALM_DATASETS_DIR)`);
  return false;
}

export function datasetPath(...parts: string[]): string {
  return path.join(DATASETS_DIR, ...parts);
}
