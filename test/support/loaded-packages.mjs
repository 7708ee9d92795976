// Imports the module given as argv[2] and prints which heavy packages that import pulled in.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
await import(pathToFileURL(process.argv[2] ?? "").href);
const loaded = Object.keys(require("node:module")._cache);
const count = (part) => loaded.filter((k) => k.includes(part)).length;
process.stdout.write(
  `${JSON.stringify({ "node-red": count("/node_modules/node-red/") + count("/node_modules/@node-red/"), aedes: count("/node_modules/aedes"), fastify: count("/node_modules/fastify/") })}\n`,
);
