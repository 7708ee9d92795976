import { defineConfig } from "vitest/config";

// One run covers unit, integration (real broker, HA simulator, Node-RED) and browser tests.
// Integration tests share ports and a Mosquitto, so files run one at a time on these 2-core machines.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default", ["json", { outputFile: ".vitest-result.json" }]],
  },
});
