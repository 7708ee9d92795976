/** An error that a command handler turns into a `result` with `success: false`. */
export class HaError extends Error {
  readonly code: string;
  readonly translation: HaErrorTranslation | undefined;

  constructor(code: string, message: string, translation?: HaErrorTranslation) {
    super(message);
    this.name = "HaError";
    this.code = code;
    this.translation = translation;
  }
}

export interface HaErrorTranslation {
  translation_key: string;
  translation_domain: string;
  translation_placeholders?: Record<string, string>;
}

export function unauthorized(): HaError {
  return new HaError("unauthorized", "Unauthorized");
}

/** Service-level validation failures carry HA's "Validation error: " prefix. */
export function serviceValidationError(message: string, translation?: HaErrorTranslation): HaError {
  return new HaError("service_validation_error", `Validation error: ${message}`, translation);
}
