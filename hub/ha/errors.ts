import { ERR_CANNOT_CONNECT, ERR_CONNECTION_LOST, ERR_INVALID_AUTH } from "home-assistant-js-websocket";
import { HubError, type HubErrorCode } from "../core/index.js";

/**
 * Home Assistant refused or could not take a call; `haCode` is HA's own error code when it sent one.
 * `notSent` is true only when the error proves the request never left the hub, the one case in which sending it
 * again cannot make Home Assistant act twice.
 */
export class HaError extends HubError {
  readonly haCode: string | undefined;
  readonly notSent: boolean;
  constructor(
    code: HubErrorCode,
    message: string,
    haCode?: string,
    options?: { cause?: unknown; notSent?: boolean },
  ) {
    super(code, message, options);
    this.haCode = haCode;
    this.notSent = options?.notSent ?? false;
  }
  /** Whether trying again after a reconnect can help: the call never reached Home Assistant. */
  get transient(): boolean {
    return this.notSent;
  }
  /**
   * Whether Home Assistant may have acted although the hub got no answer: a timeout, or a socket that closed
   * while the call was in flight. Such a call is never sent again; its outcome is unknown.
   */
  get maybeSent(): boolean {
    return (
      !this.notSent &&
      (this.code === "CALM_ERR_HA_TIMEOUT" ||
        this.code === "CALM_ERR_HA_CONNECTION_LOST" ||
        this.code === "CALM_ERR_HA_CANNOT_CONNECT")
    );
  }
}

/** HaLink's own refusal while it is not connected: nothing was written to a socket. */
export function notConnected(state: string): HaError {
  return new HaError("CALM_ERR_HA_CONNECTION_LOST", `Home Assistant is ${state}`, undefined, {
    notSent: true,
  });
}

/**
 * `bare`: the library rejected with the number itself, which it does only before a message is written (send
 * while disconnected, or a queued message dropped when the reconnect failed). An in-flight call whose socket
 * closed is rejected with a result envelope instead: Home Assistant may have run it.
 */
function fromNumber(code: number, cause: unknown, bare: boolean): HaError {
  switch (code) {
    case ERR_INVALID_AUTH:
      return new HaError("CALM_ERR_HA_INVALID_AUTH", "Home Assistant rejected the access token", undefined, {
        cause,
      });
    case ERR_CANNOT_CONNECT:
      return new HaError("CALM_ERR_HA_CANNOT_CONNECT", "cannot connect to Home Assistant", undefined, {
        cause,
        notSent: bare,
      });
    case ERR_CONNECTION_LOST:
      return bare
        ? new HaError("CALM_ERR_HA_CONNECTION_LOST", "not connected to Home Assistant", undefined, {
            cause,
            notSent: true,
          })
        : new HaError(
            "CALM_ERR_HA_CONNECTION_LOST",
            "connection to Home Assistant lost while the call was in flight",
            undefined,
            { cause },
          );
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
  if (typeof err === "number") return fromNumber(err, err, true);
  if (err !== null && typeof err === "object") {
    const obj = err as Record<string, unknown>;
    const inner =
      obj.type === "result" && typeof obj.error === "object" && obj.error !== null
        ? (obj.error as Record<string, unknown>)
        : obj;
    if (typeof inner.code === "number") return fromNumber(inner.code, err, false);
    if (typeof inner.code === "string") {
      const message = typeof inner.message === "string" ? inner.message : inner.code;
      return new HaError("CALM_ERR_HA_SERVICE", message, inner.code, { cause: err });
    }
  }
  if (err instanceof Error) return new HaError("CALM_ERR_HA_SERVICE", err.message, undefined, { cause: err });
  return new HaError("CALM_ERR_HA_SERVICE", String(err), undefined, { cause: err });
}
