export { type ApiDeps, type ApiPlugin, buildApi, type DryRunReading } from "./app.js";
export { RateLimiter, tokenMatches } from "./auth.js";
export { type Health, HealthSchema } from "./schemas.js";
export { resolveApiToken, TOKEN_FILE } from "./token-file.js";
export { describeAction } from "./words.js";
