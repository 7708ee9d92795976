import { z } from "zod";
import { ConfigSchema } from "./schema.js";

export const CONFIG_SCHEMA_FILE = "config/calm-hub.schema.json";

/** The editor schema for config files, generated from the same zod schema the hub validates with. */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(ConfigSchema, { io: "input", unrepresentable: "any" });
  return `${JSON.stringify({ ...schema, title: "Calm Hub configuration" }, null, 2)}\n`;
}
