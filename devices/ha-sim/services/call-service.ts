import type { RecordedCall } from "../call-log.js";
import type { CallServiceMessage } from "../client-messages.js";
import { newContext } from "../context-id.js";
import { HaError, serviceValidationError } from "../ha-error.js";
import type { SimHome } from "../sim-home.js";
import type { HaContext } from "../types.js";
import { resolveTargets } from "./targets.js";

export interface CallServiceResult {
  context: { id: string; parent_id: string | null; user_id: string | null };
  response?: unknown;
}

/** Runs one `call_service` the way HA's `async_call(blocking=True)` does, and records it. */
export async function executeServiceCall(
  home: SimHome,
  request: CallServiceMessage,
  userId: string | null,
  /** An automation's run passes its own child context. */
  runContext?: HaContext,
): Promise<CallServiceResult> {
  const context = runContext ?? newContext(userId);
  const data: Record<string, unknown> = { ...(request.service_data ?? {}), ...(request.target ?? {}) };
  const record: RecordedCall = {
    domain: request.domain,
    service: request.service,
    service_data: structuredClone(request.service_data ?? {}),
    target: request.target ? structuredClone(request.target) : undefined,
    return_response: request.return_response,
    context,
    contextId: context.id,
    time: home.now(),
    entityIds: [],
    applied: {},
  };
  try {
    home.takeInjectedFailure(`${request.domain}.${request.service}`);
    const definition = home.services.get(request.domain, request.service);
    if (!definition)
      throw new HaError("not_found", `Service ${request.domain}.${request.service} not found.`);
    if (request.return_response && !definition.response) {
      throw serviceValidationError(
        "An action which does not return responses can't be called with return_response=True",
        {
          translation_key: "service_does_not_support_response",
          translation_domain: "homeassistant",
          translation_placeholders: { return_response: "return_response=True" },
        },
      );
    }
    if (!request.return_response && definition.response === "only") {
      throw serviceValidationError(
        "The action requires responses and must be called with return_response=True",
        {
          translation_key: "service_lacks_response_request",
          translation_domain: "homeassistant",
          translation_placeholders: { return_response: "return_response=True" },
        },
      );
    }
    const targets = resolveTargets(data, definition.entityDomain, home.states, home.registries);
    record.entityIds = targets.entityIds;
    home.bus.fire(
      "call_service",
      { domain: request.domain, service: request.service, service_data: data },
      "LOCAL",
      context,
    );
    const response = await definition.handler(
      {
        domain: request.domain,
        service: request.service,
        data,
        entityIds: targets.entityIds,
        explicitEntityIds: targets.explicitEntityIds,
        context,
        returnResponse: request.return_response,
        applied: record.applied,
      },
      home,
    );
    // HA keeps this context on each entity the call wrote, for 5 s.
    for (const id of targets.entityIds) home.devices.called(id, context);
    home.calls.record(record);
    const result: CallServiceResult = { context: { ...context } };
    if (request.return_response) result.response = response ?? null;
    return result;
  } catch (error) {
    record.error =
      error instanceof HaError
        ? { code: error.code, message: error.message }
        : { code: "unknown_error", message: "Unknown error" };
    home.calls.record(record);
    throw error;
  }
}
