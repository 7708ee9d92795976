import {
  callService,
  createConnection,
  createLongLivedTokenAuth,
  getConfig,
  getStates,
  type HassConfig,
  type HassEntity,
} from "home-assistant-js-websocket";
import { HubError } from "../core/index.js";
import { toHaError } from "../ha/index.js";

/** What a one-off command (check-config --ha, scenes --create) needs from Home Assistant. */
export interface HaSession {
  states(): Promise<HassEntity[]>;
  config(): Promise<HassConfig>;
  call(domain: string, service: string, data: Record<string, unknown>): Promise<void>;
}

/**
 * Connects once (no retry loop: a command should answer, not wait), runs `fn`, and closes. A refused token
 * or an unreachable address becomes one sentence naming the setting to change.
 */
export async function withHomeAssistant<T>(
  url: string,
  token: string | undefined,
  fn: (ha: HaSession) => Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  if (!token)
    throw new HubError(
      "CALM_ERR_USAGE",
      "no Home Assistant token: set CALM_HA_TOKEN (or home_assistant.token) to a long-lived access token",
    );
  const auth = createLongLivedTokenAuth(url.replace(/\/+$/, ""), token);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new HubError(
            "CALM_ERR_HA_TIMEOUT",
            `no answer from Home Assistant at ${url} within ${timeoutMs / 1000} s`,
          ),
        ),
      timeoutMs,
    );
  });
  const conn = await Promise.race([createConnection({ auth, setupRetry: 0 }), timeout]).catch(
    (raw: unknown) => {
      clearTimeout(timer);
      if (raw instanceof HubError && raw.code === "CALM_ERR_HA_TIMEOUT") throw raw;
      const err = toHaError(raw);
      throw new HubError(
        err.code,
        err.code === "CALM_ERR_HA_INVALID_AUTH"
          ? `Home Assistant at ${url} rejected the token (check CALM_HA_TOKEN or home_assistant.token)`
          : `${err.message} at ${url} (check home_assistant.url or CALM_HA_URL)`,
      );
    },
  );
  try {
    return await Promise.race([
      fn({
        states: () => getStates(conn),
        config: () => getConfig(conn),
        call: async (domain, service, data) => {
          await callService(conn, domain, service, data).catch((raw: unknown) => {
            throw toHaError(raw);
          });
        },
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
    conn.close();
  }
}
