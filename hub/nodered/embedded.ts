import { createHash, timingSafeEqual } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { FailureLimiter, resolveApiToken } from "../api/index.js";
import { hostAllowed, hostName, hostRefusal, isLoopback, type Logger } from "../core/index.js";
import { packageRoot } from "../package-root.js";

/** The example flows shipped in flows/examples, merged into the first flow file of a new user folder. */
export const EXAMPLE_FLOWS = ["stress-rule.json", "wind-down.json", "voice-branch.json"] as const;

export const DEFAULT_NODE_RED_PORT = 1880;
/** Node-RED's own HTTP In nodes live under this path, so they never shadow the editor or its admin API. */
export const HTTP_NODE_ROOT = "/api-nodes";
/** The hub's URL is given to flows as this environment variable (a global-config env entry). */
export const HUB_URL_ENV = "CALM_HUB_URL";

export interface NodeRedOptions {
  /** Editor and admin API port; default CALM_NODE_RED_PORT or 1880; 0 picks a free port. */
  port?: number;
  /** Listen address; 127.0.0.1 by default. Set adminAuth before listening anywhere else. */
  host?: string;
  /** The hub API's base URL, e.g. http://127.0.0.1:8787. */
  hubUrl: string;
  /** The hub's API token; given to the flows' calm-hub config nodes as their credential. */
  apiToken: string;
  /** Node-RED's user folder (flows, credentials, context); created with mode 0700. */
  userDir: string;
  /** Flow files merged into a new flows.json; default the example flows. An existing flows.json is kept. */
  flowFiles?: string[];
  /** Rebuild flows.json from flowFiles even if it exists (loses edits made in the editor). */
  resetFlows?: boolean;
  logger: Logger;
  /**
   * Node-RED `adminAuth` settings. Without them the editor has no login on loopback; listening anywhere else
   * (or with `requireLogin`) it gets one: user `admin` with a generated password kept in the user folder.
   */
  adminAuth?: Record<string, unknown>;
  /** Ask for the generated login even on loopback. */
  requireLogin?: boolean;
  /** Host names the editor answers to besides loopback ones (DNS rebinding defence): http.allowed_hosts. */
  allowedHosts?: readonly string[];
  /** Extra Node-RED settings, merged over the hub's (for tests and power users). */
  settings?: Record<string, unknown>;
}

export interface EmbeddedNodeRed {
  /** Base URL, e.g. http://127.0.0.1:1880; the admin API (`/flows`, `/nodes` …) is served here. */
  url: string;
  /** Where to open the editor. */
  editorUrl: string;
  /** The generated login, when the hub made one: the password file, and whether it was made just now. */
  login?: { username: string; passwordFile: string; password: string; generated: boolean };
  stop(): Promise<void>;
}

/** The part of the `node-red` module's embedding API used here. */
interface NodeRedApi {
  init(server: Server, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  httpAdmin: (req: IncomingMessage, res: ServerResponse) => void;
  httpNode: (req: IncomingMessage, res: ServerResponse) => void;
}

interface FlowNode {
  id: string;
  type: string;
  url?: string;
  env?: { name: string; value: string; type: string }[];
  [key: string]: unknown;
}

const require = createRequire(import.meta.url);
let running = false;

export function exampleFlowFiles(): string[] {
  const dir = join(packageRoot(), "flows", "examples");
  return EXAMPLE_FLOWS.map((f) => join(dir, f));
}

/** Merges flow files into one list; a node id seen twice (the shared calm-hub config node) is kept once. */
export async function mergeFlowFiles(files: readonly string[]): Promise<FlowNode[]> {
  const seen = new Set<string>();
  const out: FlowNode[] = [];
  for (const file of files) {
    const parsed: unknown = JSON.parse(await readFile(file, "utf8"));
    if (!Array.isArray(parsed)) throw new Error(`${file}: a flow file holds a JSON array of nodes`);
    for (const node of parsed as FlowNode[]) {
      if (typeof node?.id !== "string" || seen.has(node.id)) continue;
      seen.add(node.id);
      out.push(node);
    }
  }
  return out;
}

/**
 * Writes what the flows need to reach this hub: the hub URL as a global environment variable (calm-hub nodes
 * use `${CALM_HUB_URL}`), and the API token as the credential of each calm-hub node that points there.
 */
function wireToHub(flows: FlowNode[], hubUrl: string): { flows: FlowNode[]; hubNodeIds: string[] } {
  const next = flows.filter((n) => n.type !== "global-config");
  const global = flows.find((n) => n.type === "global-config") ?? {
    id: "calm-global-config",
    type: "global-config",
    env: [],
  };
  const env = (global.env ?? []).filter((e) => e.name !== HUB_URL_ENV);
  env.push({ name: HUB_URL_ENV, value: hubUrl, type: "str" });
  next.push({ ...global, env });
  const hubNodeIds = next
    .filter((n) => n.type === "calm-hub" && n.url === `\${${HUB_URL_ENV}}`)
    .map((n) => n.id);
  return { flows: next, hubNodeIds };
}

/**
 * Node-RED is an optional dependency (it is most of the install): loaded only when an editor is asked for, and
 * missing it is a one-line error with the fix rather than a stack trace.
 */
export function loadNodeRed(): NodeRedApi {
  try {
    return require("node-red") as NodeRedApi;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw err;
    throw new Error(
      "Node-RED is not installed (it is an optional dependency): run `npm install node-red` beside calm-hub, or start without --node-red",
    );
  }
}

/**
 * Whether Node-RED would find this package on its own: it scans the node_modules folders above its core
 * nodes, so when calm-hub is installed beside node-red, adding it to nodesDir would load it twice.
 */
function foundByNodeRed(root: string): boolean {
  const nodeRedRequire = createRequire(require.resolve("node-red"));
  let dir = realpathSync(dirname(nodeRedRequire.resolve("@node-red/nodes/package.json")));
  const parent = realpathSync(dirname(root));
  for (;;) {
    if (join(dir, "node_modules") === parent) return true;
    const up = dirname(dir);
    if (up === dir) return false;
    dir = up;
  }
}

/** Node-RED log record → the hub's logger (component node-red). */
function logHandler(
  logger: Logger,
): () => (msg: { level: number; msg: unknown; type?: string; id?: string; name?: string }) => void {
  const log = logger.child({ component: "node-red" });
  return () => (msg) => {
    const text =
      msg.msg instanceof Error
        ? msg.msg.message
        : typeof msg.msg === "string"
          ? msg.msg
          : JSON.stringify(msg.msg ?? "");
    const fields = msg.type ? { node_type: msg.type, node_id: msg.id, node_name: msg.name } : {};
    if (msg.level <= 10) log.fatal(fields, text);
    else if (msg.level <= 20) log.error(fields, text);
    else if (msg.level <= 30) log.warn(fields, text);
    else if (msg.level <= 40) log.info(fields, text);
    else log.debug(fields, text);
  };
}

export const EDITOR_USER = "admin";
export const EDITOR_PASSWORD_FILE = "editor-password";

function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Node-RED's adminAuth for one generated user, checked in constant time (no bcrypt hash to keep). */
function generatedAdminAuth(password: string): Record<string, unknown> {
  const user = { username: EDITOR_USER, permissions: "*" };
  return {
    type: "credentials",
    users: async (username: string) => (username === EDITOR_USER ? user : null),
    authenticate: async (username: string, given: string) =>
      username === EDITOR_USER && typeof given === "string" && sameSecret(given, password) ? user : null,
  };
}

function hostFrom(options: NodeRedOptions): string {
  return options.host ?? process.env.CALM_NODE_RED_HOST ?? "127.0.0.1";
}

function portFrom(options: NodeRedOptions): number {
  if (options.port !== undefined) return options.port;
  const env = process.env.CALM_NODE_RED_PORT;
  return env && /^\d+$/.test(env) ? Number(env) : DEFAULT_NODE_RED_PORT;
}

/**
 * Starts Node-RED inside the hub process as the visual rule editor, with the calm nodes in its palette and the
 * example flows loaded. Nothing phones home: telemetry, update checks, the palette catalogue, module installs
 * and projects are off. The editor has no login by default and listens on 127.0.0.1 only; pass `adminAuth`
 * (Node-RED's own setting) before exposing it. Node-RED is a process-wide singleton: one at a time.
 */
export async function startNodeRed(options: NodeRedOptions): Promise<EmbeddedNodeRed> {
  if (running) throw new Error("Node-RED is already running in this process");
  running = true;
  try {
    return await start(options);
  } catch (err) {
    running = false;
    throw err;
  }
}

async function start(options: NodeRedOptions): Promise<EmbeddedNodeRed> {
  const log = options.logger.child({ component: "node-red" });
  const userDir = resolve(options.userDir);
  await mkdir(userDir, { recursive: true, mode: 0o700 });
  await chmod(userDir, 0o700);

  const flowFile = join(userDir, "flows.json");
  const credFile = join(userDir, "flows_cred.json");
  let flows: FlowNode[];
  if (options.resetFlows || !existsSync(flowFile)) {
    flows = await mergeFlowFiles(options.flowFiles ?? exampleFlowFiles());
  } else {
    flows = JSON.parse(await readFile(flowFile, "utf8")) as FlowNode[];
  }
  const wired = wireToHub(flows, options.hubUrl);
  await writeFile(flowFile, `${JSON.stringify(wired.flows, null, 2)}\n`, { mode: 0o600 });

  // Credentials are stored unencrypted (credentialSecret: false) in a 0700 folder inside the hub's data
  // folder, beside the API token file that holds the same secret. Other nodes' credentials are kept.
  let creds: Record<string, Record<string, unknown>> = {};
  if (existsSync(credFile)) {
    try {
      creds = JSON.parse(await readFile(credFile, "utf8")) as typeof creds;
    } catch {
      log.warn("flows_cred.json was unreadable; starting with empty credentials");
    }
  }
  for (const id of wired.hubNodeIds) creds[id] = { ...creds[id], token: options.apiToken };
  await writeFile(credFile, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });

  const RED = loadNodeRed();
  const root = packageRoot();
  const host = hostFrom(options);
  // An editor deploys code. Beyond loopback it never runs without a login; the generated one is kept like the
  // API token (0600, in the 0700 user folder) so that it survives restarts.
  let login: EmbeddedNodeRed["login"];
  let adminAuth = options.adminAuth;
  if (!adminAuth && (options.requireLogin || !isLoopback(host))) {
    const resolved = resolveApiToken(undefined, userDir, EDITOR_PASSWORD_FILE);
    login = {
      username: EDITOR_USER,
      passwordFile: resolved.file,
      password: resolved.token,
      generated: resolved.generated,
    };
    adminAuth = generatedAdminAuth(resolved.token);
  }
  const settings: Record<string, unknown> = {
    userDir,
    flowFile: "flows.json",
    credentialSecret: false,
    httpAdminRoot: "/",
    httpNodeRoot: HTTP_NODE_ROOT,
    uiHost: host,
    ...(foundByNodeRed(root) ? {} : { nodesDir: [root] }),
    ...(adminAuth ? { adminAuth } : {}),
    logging: {
      calmHub: { level: "warn", metrics: false, audit: false, handler: logHandler(options.logger) },
    },
    // A closed network: nothing may phone home.
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false, ui: false },
    runtimeState: { enabled: false, ui: false },
    externalModules: {
      autoInstall: false,
      palette: { allowInstall: false, allowUpload: false, allowUpdate: false },
      modules: { allowInstall: false },
    },
    functionExternalModules: false,
    editorTheme: {
      projects: { enabled: false },
      tours: false,
      palette: { catalogues: [] },
      page: { title: "Calm Hub · Node-RED" },
      header: { title: "Calm Hub · rules" },
    },
    ...options.settings,
  };

  const policy = { allowed: options.allowedHosts ?? [], listen: host };
  // One line per foreign name a minute, as the hub's API does: a rebinding page retries in a loop.
  const refusedHosts = new FailureLimiter(1);
  const refuse = (hostHeader: string | undefined): string => {
    const name = hostName(hostHeader) ?? "(none)";
    if (refusedHosts.fail(name, Date.now())) {
      log.warn({ host: name }, "editor request with a foreign Host header refused (http.allowed_hosts)");
    }
    return JSON.stringify(hostRefusal(hostHeader, "http.allowed_hosts"));
  };
  const server = createServer((req, res) => {
    // DNS rebinding: a web page whose name resolves to 127.0.0.1 must not reach the editor or its admin API.
    if (!hostAllowed(req.headers.host, policy)) {
      res.writeHead(403, { "content-type": "application/json", "x-content-type-options": "nosniff" });
      res.end(refuse(req.headers.host));
      return;
    }
    const url = req.url ?? "/";
    if (
      url === HTTP_NODE_ROOT ||
      url.startsWith(`${HTTP_NODE_ROOT}/`) ||
      url.startsWith(`${HTTP_NODE_ROOT}?`)
    ) {
      req.url = url.slice(HTTP_NODE_ROOT.length) || "/";
      RED.httpNode(req, res);
      return;
    }
    RED.httpAdmin(req, res);
  });

  // The editor's WebSocket (/comms) too. Node-RED adds its own upgrade listener later; this one runs first and
  // sends a refused request to a path that listener ignores.
  server.prependListener("upgrade", (req: IncomingMessage, socket: import("node:stream").Duplex) => {
    if (hostAllowed(req.headers.host, policy)) return;
    refuse(req.headers.host);
    req.url = "/refused-host";
    socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  });

  RED.init(server, settings);
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(portFrom(options), host, () => {
      server.off("error", fail);
      ok();
    });
  });
  try {
    await RED.start();
  } catch (err) {
    server.close();
    throw err;
  }

  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  const url = `http://${host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  log.info({ url, user_dir: userDir }, "Node-RED editor started");

  let stopped = false;
  return {
    url,
    editorUrl: `${url}/`,
    ...(login ? { login } : {}),
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await RED.stop();
      } finally {
        server.closeAllConnections();
        await new Promise<void>((ok) => server.close(() => ok()));
        running = false;
      }
    },
  };
}
