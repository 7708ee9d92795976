import { existsSync } from "node:fs";
import { requirePeerInCi } from "./broker.js";

/** Debian's Chromium (CI installs it); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Under CI=true a missing Chromium fails the run instead of skipping the browser tests. */
export const chromiumAvailable = (): boolean =>
  requirePeerInCi(existsSync(CHROMIUM), `Chromium (${CHROMIUM})`);

// Headless on a closed network: without the background-networking flags Chromium keeps dialling out.
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
