// Regenerates config/calm-hub.schema.json (`npm run schema`). A test fails when the file is stale.
import { writeFileSync } from "node:fs";
import { CONFIG_SCHEMA_FILE, configJsonSchema } from "./json-schema.js";

writeFileSync(CONFIG_SCHEMA_FILE, configJsonSchema());
console.log(`wrote ${CONFIG_SCHEMA_FILE}`);
