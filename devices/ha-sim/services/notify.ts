import { z } from "zod";
import { parseOrInvalid } from "../client-messages.js";
import type { ServiceDefinition } from "./service-types.js";

const notifySchema = z.looseObject({
  message: z.string(),
  title: z.string().optional(),
  target: z.union([z.string(), z.array(z.string())]).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

/** Legacy notify services: one per configured name (`mobile_app_<device>`, `notify`, ...). They change no
 * state; the call log is the record a test inspects. */
export function notifyServices(names: readonly string[]): ServiceDefinition[] {
  return names.map((name) => ({
    domain: "notify",
    service: name,
    name: `Send a notification via ${name}`,
    description: "Sends a notification message using the notify service.",
    fields: {
      message: { required: true, selector: { text: {} } },
      title: { selector: { text: {} } },
      target: { selector: { object: {} } },
      data: { selector: { object: {} } },
    },
    handler: (call) => {
      parseOrInvalid(notifySchema, call.data);
    },
  }));
}
