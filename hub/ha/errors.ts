import { ERR_CANNOT_CONNECT, ERR_CONNECTION_LOST, ERR_INVALID_AUTH } from "home-assistant-js-websocket";
import { HubError, type HubErrorCode } from "../core/index.js";

/** Home Assistant refused or could not take a call; `haCode` is HA's own error code when it sent one. */
export class HaError extends HubError {
  readonly haCode: string | undefined;
  constructor(code: HubErrorCode, message: string, haCode?: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.haCode = haCode;
  }
  /** Whether trying again after a reconnect can help (the call never reached a working Home Assistant). */
  get transient(): boolean {
    return (
      this.code === "CALM_ERR_HA_CONNECTION_LOST" ||
      this.code === "CALM_ERR_HA_CANNOT_CONNECT" ||
      this.code === "CALM_ERR_HA_TIMEOUT"
    );
  }
}

function fromNumber(code: number, cause: unknown): HaError {
  switch (code) {
    case ERR_INVALID_AUTH:
      return new HaError("CALM_ERR_HA_INVALID_AUTH", "Home Assistant rejected the access token", undefined, {
        cause,
      });
    case ERR_CANNOT_CONNECT:
      return new HaError("CALM_ERR_HA_CANNOT_CONNECT", "cannot connect to Home Assistant", undefined, {
        cause,
      });
    case ERR_CONNECTION_LOST:
      return new HaError("CALM_ERR_HA_CONNECTION_LOST", "connection to Home Assistant lost", undefined, {
        cause,
      });
    default:
      return new HaError("CALM_ERR_HA_SERVICE", `Home Assistant client error ${code}`, undefined, { cause });
  }
}

/**
 * home-assistant-js-websocket rejects in three shapes: a bare number (send while disconnected), a result
 * envelope whose `error.code` is a number (in-flight call when the socket closed), and HA's own
 * `{code, message}`. Everything past this function sees one HaError.
 */
export function toHaError(err: unknown): HaError {
  if (err instanceof HaError) return err;
  if (typeof err === "number") return fromNumber(err, err);
  if (err !== null && typeof err === "object") {
    const obj = err as Record<string, unknown>;
    const inner =
      obj.type === "result" && typeof obj.error === "object" && obj.error !== null
        ? (obj.error as Record<string, unknown>)
        : obj;
    if (typeof inner.code === "number") return fromNumber(inner.code, err);
    if (typeof inner.code === "string") {
      const message = typeof inner.message === "string" ? inner.message : inner.code;
      return new HaError("CALM_ERR_HA_SERVICE", message, inner.code, { cause: err });
    }
  }
  if (err instanceof Error) return new HaError("CALM_ERR_HA_SERVICE", err.message, undefined, { cause: err });
  return new HaError("CALM_ERR_HA_SERVICE", String(err), undefined, { cause: err });
}
