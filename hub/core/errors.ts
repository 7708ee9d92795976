export type HubErrorCode =
  | "CALM_ERR_CONFIG_INVALID"
  | "CALM_ERR_CONFIG_READ"
  | "CALM_ERR_DATA_DIR"
  | "CALM_ERR_RULE_INVALID"
  | "CALM_ERR_RULE_NOT_FOUND"
  | "CALM_ERR_PAYLOAD_INVALID"
  | "CALM_ERR_HA_CANNOT_CONNECT"
  | "CALM_ERR_HA_INVALID_AUTH"
  | "CALM_ERR_HA_CONNECTION_LOST"
  | "CALM_ERR_HA_SERVICE"
  | "CALM_ERR_HA_TIMEOUT"
  | "CALM_ERR_NOT_FOUND"
  | "CALM_ERR_SERVICE_NOT_ALLOWED"
  | "CALM_ERR_STORE_VERSION"
  | "CALM_ERR_USAGE";

export interface Issue {
  path: string;
  message: string;
}

export class HubError extends Error {
  readonly code: HubErrorCode;
  constructor(code: HubErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
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

export function toError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(typeof err === "string" ? err : JSON.stringify(err));
}
