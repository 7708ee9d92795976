import type { HaError } from "./ha-error.js";

/** Outbound message shapes. Kept as plain objects so the connection can coalesce them into arrays. */
export type ServerMessage = Record<string, unknown>;

export function authRequired(haVersion: string): ServerMessage {
  return { type: "auth_required", ha_version: haVersion };
}

export function authOk(haVersion: string): ServerMessage {
  return { type: "auth_ok", ha_version: haVersion };
}

export function authInvalid(message: string): ServerMessage {
  return { type: "auth_invalid", message };
}

export function resultMessage(id: number, result: unknown): ServerMessage {
  return { id, type: "result", success: true, result };
}

export function errorMessage(id: number | null, code: string, message: string): ServerMessage {
  return { id, type: "result", success: false, error: { code, message } };
}

/** Newer core only adds the translation keys when the error has a translation. */
export function haErrorMessage(id: number, error: HaError): ServerMessage {
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.translation) {
    body.translation_key = error.translation.translation_key;
    body.translation_domain = error.translation.translation_domain;
    body.translation_placeholders = error.translation.translation_placeholders ?? {};
  }
  return { id, type: "result", success: false, error: body };
}

export function eventMessage(id: number, event: unknown): ServerMessage {
  return { id, type: "event", event };
}

export function pongMessage(id: number): ServerMessage {
  return { id, type: "pong" };
}
