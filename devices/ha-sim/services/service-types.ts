import type { z } from "zod";
import type { SimHome } from "../sim-home.js";
import type { HaContext } from "../types.js";

/** One service invocation after target resolution, as a handler sees it. */
export interface ServiceCall {
  readonly domain: string;
  readonly service: string;
  /** service_data with the target keys merged in, as HA validates it. */
  readonly data: Record<string, unknown>;
  /** Existing entities the call resolved to, limited to the service's entity domain when it has one. */
  readonly entityIds: string[];
  /** Entity ids named directly in the call; feature checks only fail for these. */
  readonly explicitEntityIds: string[];
  readonly context: HaContext;
  readonly returnResponse: boolean;
  /** Handlers note here what they actually applied per entity (after filtering unsupported params). */
  readonly applied: Record<string, Record<string, unknown>>;
}

export type ServiceHandler = (call: ServiceCall, home: SimHome) => unknown;

export interface ServiceFieldDescription {
  required?: boolean;
  example?: unknown;
  selector?: Record<string, unknown>;
}

export interface ServiceDefinition {
  readonly domain: string;
  readonly service: string;
  readonly name: string;
  readonly description: string;
  readonly fields: Record<string, ServiceFieldDescription>;
  /** Entity domain the service targets; absent for services that take no target (notify, ...). */
  readonly entityDomain?: string;
  /** `optional`/`only` as in `SupportsResponse`; absent means the service returns nothing. */
  readonly response?: "optional" | "only";
  /** Validates service_data (target keys included); a failure is `invalid_format`. */
  readonly schema?: z.ZodType;
  readonly handler: ServiceHandler;
}
