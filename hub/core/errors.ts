/**
 * The closed list of the hub's error codes, each with the HTTP status the API answers it with. A code that is
 * not here cannot be thrown (HubError takes only these) and cannot reach a client: the API's one error handler
 * turns every HubError into `{code, message}` with this status, and test/api/errors.test.ts fails on any
 * `CALM_ERR_` literal in hub/ that is not in this list or that builds an error body by hand.
 * Codes for failures that never happen inside a request (config, data folder, CLI usage) still carry a
 * status: a later route that runs into one answers it consistently instead of with a guess.
 */
export const ERROR_STATUS = {
  /** A request that does not match its schema (query, params, body, or a body fastify could not parse). */
  CALM_ERR_BAD_REQUEST: 400,
  CALM_ERR_CONFIG_INVALID: 400,
  CALM_ERR_CONFIG_READ: 500,
  CALM_ERR_DATA_DIR: 500,
  CALM_ERR_RULE_INVALID: 400,
  CALM_ERR_RULE_NOT_FOUND: 404,
  CALM_ERR_PAYLOAD_INVALID: 400,
  CALM_ERR_USAGE: 400,
  CALM_ERR_NOT_FOUND: 404,
  /** Missing or wrong bearer token. */
  CALM_ERR_UNAUTHORIZED: 401,
  /** Too many failed authentications from one client this minute. */
  CALM_ERR_RATE_LIMIT: 429,
  /** A Host header the hub does not answer to (DNS rebinding defence). */
  CALM_ERR_HOST_NOT_ALLOWED: 403,
  CALM_ERR_SERVICE_NOT_ALLOWED: 403,
  CALM_ERR_TOO_LARGE: 413,
  CALM_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  /** Too many event streams open. */
  CALM_ERR_BUSY: 503,
  CALM_ERR_NO_LOCATION: 409,
  /** The database was written by a newer Calm Hub; it is left untouched (a start-up error). */
  CALM_ERR_STORE_VERSION: 500,
  CALM_ERR_VOICE_DISABLED: 409,
  /** The breathing guide may not run there now (a bedroom at night, someone asleep, nothing to pace with). */
  CALM_ERR_BREATHING_REFUSED: 409,
  /** A recipe that comes from the config file: it is changed there, not through the API. */
  CALM_ERR_RECIPE_IN_CONFIG: 409,
  CALM_ERR_HA_CANNOT_CONNECT: 503,
  CALM_ERR_HA_INVALID_AUTH: 503,
  CALM_ERR_HA_CONNECTION_LOST: 503,
  CALM_ERR_HA_SERVICE: 502,
  CALM_ERR_HA_TIMEOUT: 504,
  /** Anything that is not a HubError: the client learns nothing more, the log gets the message. */
  CALM_ERR_INTERNAL: 500,
} as const satisfies Record<`CALM_ERR_${string}`, number>;

export type HubErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as HubErrorCode[];

export function isHubErrorCode(code: unknown): code is HubErrorCode {
  return typeof code === "string" && Object.hasOwn(ERROR_STATUS, code);
}

export interface Issue {
  path: string;
  message: string;
}

/** The one shape every error the API sends has. */
export interface ErrorBody {
  code: HubErrorCode;
  message: string;
  issues?: Issue[];
}

export class HubError extends Error {
  readonly code: HubErrorCode;
  constructor(code: HubErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  /** The HTTP status this error is answered with. */
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** A document (config, rule, API body) that failed its schema; carries every issue, not only the first. */
export class ValidationError extends HubError {
  readonly issues: Issue[];
  constructor(code: HubErrorCode, message: string, issues: Issue[]) {
    super(code, message);
    this.issues = issues;
  }
}

/** The body for a code, for the few places that answer outside fastify's error handler (Node-RED's editor). */
export function errorBody(code: HubErrorCode, message: string, issues?: Issue[]): ErrorBody {
  return issues === undefined ? { code, message } : { code, message, issues };
}

export function toError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(typeof err === "string" ? err : JSON.stringify(err));
}
