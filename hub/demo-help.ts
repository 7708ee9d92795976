// The demo's --help, apart from the demo: `calm-hub --help` must not load the demo's broker and simulators.
export const DEMO_HELP = `Usage: calm-hub demo [--duration SECONDS] [--no-node-red] [--data-dir DIR] [--log-level LEVEL]

Runs everything in one process: an MQTT broker (aedes), the Home Assistant simulator, two simulated
wearables (Alice and Bob), the hub with config/examples/home.yaml, the dashboard and the Node-RED editor.
Prints one line per decision; Ctrl+C stops it.
  --duration SECONDS   stop by itself after this long
  --no-node-red        skip the Node-RED editor
  --data-dir DIR       keep the database and the log (demo.log) in DIR; without it they go to a temporary
                       folder that is removed when the demo ends
  --log-level LEVEL    what demo.log records: error, warn, info (default), debug; warnings and errors are
                       also shown in the terminal
  -h, --help           this text

Environment: CALM_HTTP_PORT (dashboard and API, default 8787; 0 picks a free port), CALM_NODE_RED_PORT
(editor, default 1880), CALM_DATA_DIR (as --data-dir), CALM_LOG_LEVEL (as --log-level).`;
