import type { FastifyError } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import {
  ERROR_STATUS,
  type ErrorBody,
  errorBody,
  HubError,
  type HubErrorCode,
  type Logger,
  ValidationError,
} from "../core/index.js";

/** Fastify's own client errors, by status, as codes of the closed list. */
const CODE_BY_STATUS: Partial<Record<number, HubErrorCode>> = {
  401: "CALM_ERR_UNAUTHORIZED",
  404: "CALM_ERR_NOT_FOUND",
  413: "CALM_ERR_TOO_LARGE",
  415: "CALM_ERR_UNSUPPORTED_MEDIA_TYPE",
  429: "CALM_ERR_RATE_LIMIT",
};

/** What any error becomes on the wire: a code from the closed list, its status, and nothing internal. */
export function errorReply(err: unknown, log: Logger): { status: number; body: ErrorBody } {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => ({
      path: v.instancePath.replace(/^\//, "").replaceAll("/", ".") || "(body)",
      message: v.message ?? "invalid",
    }));
    return {
      status: ERROR_STATUS.CALM_ERR_BAD_REQUEST,
      body: errorBody("CALM_ERR_BAD_REQUEST", "request does not match the schema", issues),
    };
  }
  if (err instanceof HubError) {
    const issues = err instanceof ValidationError ? err.issues : undefined;
    return { status: err.status, body: errorBody(err.code, err.message, issues) };
  }
  const status = (err as Partial<FastifyError>).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const code = CODE_BY_STATUS[status] ?? "CALM_ERR_BAD_REQUEST";
    return { status: ERROR_STATUS[code], body: errorBody(code, (err as Error).message) };
  }
  log.error({ component: "api", err: (err as Error).message }, "request failed");
  return { status: 500, body: errorBody("CALM_ERR_INTERNAL", "Internal Server Error") };
}
