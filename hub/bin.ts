#!/usr/bin/env -S node --max-semi-space-size=4
// The `calm-hub` command. Checks the Node.js version before loading anything that needs a newer one
// (node:sqlite, the global WebSocket), so an old Node gets a clear sentence instead of a stack trace.
// The flag caps V8's young generation, which on a machine with plenty of memory otherwise grows to 64 MB
// under a steady stream of readings: about 45 MB less peak RSS, for no measurable CPU (npm run bench).
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(
    `calm-hub needs Node.js 22.13 or later (24 LTS recommended); this is ${process.version}.\n` +
      "Without changing the system's Node:\n" +
      "  npm install --prefix ~/.node24 node@24 && export PATH=~/.node24/node_modules/.bin:$PATH\n",
  );
  process.exit(1);
}
// Everything the hub writes (database, token, Node-RED's flows and credentials) is for its own user only,
// whatever umask the shell, the service manager or the container gave it.
process.umask(0o077);
const { runCli } = await import("./cli.js");
runCli(process.argv.slice(2));
