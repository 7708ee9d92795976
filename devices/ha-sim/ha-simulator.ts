import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { type AutomationRun, Automations, type SimAutomation } from "./automations.js";
import type { DeviceBehaviour } from "./behaviours.js";
import type { CallMatcher, RecordedCall } from "./call-log.js";
import { newContext, ulid } from "./context-id.js";
import { handleHttpRequest } from "./http-api.js";
import { type HaSimulatorOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { matchSentence } from "./sentence-matcher.js";
import { executeServiceCall } from "./services/call-service.js";
import { applyLightOff, applyLightOn, type LightTurnOnParams } from "./services/light.js";
import {
  type CommandFailure,
  type ConnectionHost,
  type ReceivedCommand,
  SimConnection,
} from "./sim-connection.js";
import { HOUSEHOLD_USER_ID, SIM_USER_ID, SimHome } from "./sim-home.js";
import { domainOf, toHaState } from "./stored-state.js";
import type { CoreState, EventOrigin, HaAttributes, HaContext, HaEvent, HaState } from "./types.js";

const WEBSOCKET_PATH = "/api/websocket";

export interface InjectedError {
  code: string;
  message: string;
}

export interface StatePatch {
  state?: string;
  attributes?: HaAttributes;
}

export interface AssistRequest {
  text: string;
  device_id: string | null;
  language?: string;
  request_id?: string;
  conversation_id?: string;
  /** How long the "automation" waits for `calm_hub_response`; HA's example uses 4 s. */
  timeoutMs?: number;
  /** The automation's sentence templates (the shipped package's `command:` list): as with real Assist, a
   * sentence none of them matches never reaches the hub, and the result is null. Absent: every text does. */
  sentences?: readonly string[];
}

export interface NotificationAction {
  action: string;
  tag?: string;
  reply_text?: string;
  action_data?: Record<string, unknown>;
}

export type EventMatcher = string | ((event: HaEvent) => boolean);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A Home Assistant stand-in on a real socket: WebSocket API at `/api/websocket`, `GET /api/`, and hooks
 * for tests to inspect calls and inject faults. */
export class HaSimulator {
  private readonly options: ResolvedOptions;
  private readonly home: SimHome;
  private readonly automations: Automations;
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<SimConnection>();
  private readonly host: ConnectionHost;
  private rejectingAuth = false;
  private authAttemptCount = 0;
  private readonly failedCommands: CommandFailure[] = [];
  private readonly receivedCommands: ReceivedCommand[] = [];
  private responseDelay = 0;
  private down = false;
  private port = 0;

  private constructor(options: ResolvedOptions) {
    this.options = options;
    this.home = new SimHome(options);
    this.automations = new Automations(this.home, executeServiceCall);
    for (const automation of options.automations) this.automations.add(automation);
    this.wss = new WebSocketServer({ noServer: true, autoPong: false });
    this.server = createServer((request, response) =>
      handleHttpRequest(request, response, (token) => !this.rejectingAuth && token === this.options.token),
    );
    this.host = this.connectionHost();
    this.server.on("upgrade", (request, socket, head) => {
      const path = new URL(request.url ?? "/", "http://localhost").pathname;
      if (path !== WEBSOCKET_PATH || this.down) {
        socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        this.connections.add(new SimConnection(ws, this.host));
      });
    });
  }

  static async start(options?: HaSimulatorOptions): Promise<HaSimulator> {
    const simulator = new HaSimulator(resolveOptions(options));
    await new Promise<void>((resolve, reject) => {
      simulator.server.once("error", reject);
      simulator.server.listen(simulator.options.port, "127.0.0.1", () => {
        simulator.server.off("error", reject);
        resolve();
      });
    });
    simulator.port = (simulator.server.address() as AddressInfo).port;
    return simulator;
  }

  async stop(): Promise<void> {
    this.home.devices.stop();
    for (const connection of this.connections) connection.terminate();
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** HTTP base URL; `createLongLivedTokenAuth` turns it into `ws://.../api/websocket`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}${WEBSOCKET_PATH}`;
  }

  get token(): string {
    return this.options.token;
  }

  /** The user the token belongs to; service calls over the WebSocket carry it in their context. */
  get userId(): string {
    return SIM_USER_ID;
  }

  /** The other user whose changes `changeByHand` and notification taps are attributed to. */
  get householdUserId(): string {
    return HOUSEHOLD_USER_ID;
  }

  /** How many auth messages clients have sent since start, accepted or refused. */
  get authAttempts(): number {
    return this.authAttemptCount;
  }

  /** Every command answered with an error since start (unknown commands included), oldest first. */
  get commandFailures(): readonly CommandFailure[] {
    return this.failedCommands;
  }

  /** Every well-formed command clients sent since start, oldest first, each with whether it was answered:
   * a client that waits for an answer the simulator never gives hangs where real HA would have replied. */
  get commands(): readonly ReceivedCommand[] {
    return this.receivedCommands;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  get coreState(): CoreState {
    return this.home.coreState;
  }

  // Recording and assertions

  get calls(): readonly RecordedCall[] {
    return this.home.calls.all;
  }

  clearCalls(): void {
    this.home.calls.clear();
  }

  /** Resolves with the first matching call, including calls made before this was called. */
  waitForCall(match: CallMatcher, timeoutMs = 2000): Promise<RecordedCall> {
    return this.home.calls.waitFor(match, timeoutMs);
  }

  get states(): HaState[] {
    return this.home.states.all().map(toHaState);
  }

  getState(entityId: string): HaState | undefined {
    const stored = this.home.states.get(entityId);
    return stored ? toHaState(stored) : undefined;
  }

  /** Every event fired on the bus, `state_changed` and `call_service` included. */
  get events(): readonly HaEvent[] {
    return this.home.bus.events;
  }

  clearEvents(): void {
    this.home.bus.clearHistory();
  }

  /** Resolves with the first matching event fired from now on. */
  waitForEvent(match: EventMatcher, timeoutMs = 2000): Promise<HaEvent> {
    const predicate = typeof match === "string" ? (event: HaEvent) => event.event_type === match : match;
    return new Promise((resolve, reject) => {
      const unlisten = this.home.bus.listen(({ event }) => {
        if (!predicate(event)) return;
        clearTimeout(timer);
        unlisten();
        resolve(event);
      });
      const timer = setTimeout(() => {
        unlisten();
        reject(new Error(`HaSimulator: no matching event within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  }

  // Faults

  /** `halfOpen`: every connection goes silent (no replies, no pongs) but stays open. Otherwise each TCP
   * connection is destroyed without a close frame. */
  dropConnections(options: { halfOpen?: boolean } = {}): void {
    for (const connection of this.connections) {
      if (options.halfOpen) connection.goHalfOpen();
      else connection.terminate();
    }
  }

  /** While on, every auth attempt (and `GET /api/`) is refused as if the token were wrong. */
  rejectAuth(reject = true): void {
    this.rejectingAuth = reject;
  }

  /** Deleting the long-lived token in HA closes every socket that used it. */
  revokeToken(): void {
    this.rejectingAuth = true;
    for (const connection of this.connections) if (connection.isAuthenticated) connection.close();
  }

  /** The next `times` calls of `service` ("domain.service") fail with this error. */
  failService(service: string, error: InjectedError, times = Number.POSITIVE_INFINITY): void {
    this.home.injectFailure(service, error, times);
  }

  /** Every command is handled `ms` later than it arrives. */
  delayResponses(ms: number): void {
    this.responseDelay = Math.max(0, ms);
  }

  clearFaults(): void {
    this.home.clearFailures();
    this.responseDelay = 0;
    this.rejectingAuth = false;
  }

  // Scenarios

  /** Writes a state as an integration would: within 5 s of a service call on the entity it carries that
   * call's context (as HA does), later a fresh one without a user. Without `attributes` the current ones
   * are kept. */
  setState(entityId: string, state: string, attributes?: HaAttributes): HaState {
    const current = this.home.states.get(entityId);
    this.home.setState(
      entityId,
      state,
      attributes ?? { ...(current?.attributes ?? {}) },
      this.home.devices.contextFor(entityId),
    );
    return this.requireState(entityId);
  }

  /** A person changes something by hand in the HA app: a fresh context with that person's user (by default
   * another member of the household; `userId: sim.userId` for the resident whose account the token is of).
   * Lights go through the light model so their attributes stay consistent. */
  changeByHand(entityId: string, patch: StatePatch, options: { userId?: string } = {}): HaContext {
    const current = this.home.states.get(entityId);
    if (!current) throw new Error(`HaSimulator: no entity ${entityId}`);
    const context = newContext(options.userId ?? HOUSEHOLD_USER_ID);
    const attributes = patch.attributes ?? {};
    if (domainOf(entityId) === "light" && (patch.state === "on" || patch.state === "off")) {
      if (patch.state === "off") applyLightOff(this.home, entityId, undefined, context);
      else {
        const params: LightTurnOnParams = {};
        if (typeof attributes.brightness === "number") params.brightness = attributes.brightness;
        if (typeof attributes.color_temp_kelvin === "number")
          params.color_temp_kelvin = attributes.color_temp_kelvin;
        applyLightOn(this.home, entityId, params, context);
      }
    } else {
      this.home.setState(
        entityId,
        patch.state ?? current.state,
        { ...current.attributes, ...attributes },
        context,
      );
    }
    return context;
  }

  /** Makes a device act on its own (late echo, chatty speaker); undefined switches that off. */
  setBehaviour(entityId: string, behaviour: DeviceBehaviour | undefined): void {
    this.home.devices.setBehaviour(entityId, behaviour);
  }

  /** Adds one of the household's automations; it reacts to state changes from now on. */
  addAutomation(automation: SimAutomation): void {
    this.automations.add(automation);
  }

  /** Every automation run so far, with its (child) context. */
  get automationRuns(): readonly AutomationRun[] {
    return this.automations.runs;
  }

  removeEntity(entityId: string): boolean {
    return this.home.removeEntity(entityId, newContext());
  }

  fireEvent(
    eventType: string,
    data: Record<string, unknown> = {},
    options: { origin?: EventOrigin; context?: HaContext } = {},
  ): HaEvent {
    return this.home.bus.fire(eventType, data, options.origin ?? "LOCAL", options.context ?? newContext());
  }

  /** Does what the sentence-trigger automation of ha-protocol.md section 4 does: fires `calm_hub_request`
   * and waits for the `calm_hub_response` with the same `request_id`. Resolves with that event's data,
   * or null when the hub did not answer in time. */
  playAssistRequest(request: AssistRequest): Promise<Record<string, unknown> | null> {
    if (request.sentences && !request.sentences.some((t) => matchSentence(t, request.text) !== null))
      return Promise.resolve(null);
    const context = newContext();
    const requestId = request.request_id ?? context.id;
    const timeoutMs = request.timeoutMs ?? 4000;
    const answered = new Promise<Record<string, unknown> | null>((resolve) => {
      const unlisten = this.home.bus.listen(({ event }) => {
        if (event.event_type !== "calm_hub_response" || event.data.request_id !== requestId) return;
        clearTimeout(timer);
        unlisten();
        resolve(event.data);
      });
      const timer = setTimeout(() => {
        unlisten();
        resolve(null);
      }, timeoutMs);
    });
    this.home.bus.fire(
      "calm_hub_request",
      {
        request_id: requestId,
        text: request.text,
        sentence: request.text,
        device_id: request.device_id,
        language: request.language ?? this.options.language,
        conversation_id: request.conversation_id ?? ulid(),
      },
      "LOCAL",
      context,
    );
    return answered;
  }

  /** The person taps an action button of a companion-app notification. */
  tapNotificationAction(tap: NotificationAction): HaEvent {
    const data: Record<string, unknown> = { action: tap.action };
    if (tap.tag !== undefined) data.tag = tap.tag;
    if (tap.reply_text !== undefined) data.reply_text = tap.reply_text;
    if (tap.action_data !== undefined) data.action_data = tap.action_data;
    return this.home.bus.fire(
      "mobile_app_notification_action",
      data,
      "REMOTE",
      newContext(HOUSEHOLD_USER_ID),
    );
  }

  /** Closes every connection and forgets `scene.create` scenes. The server refuses connections for
   * `downMs`, then reports `STARTING` in get_config for `startingMs`, then `RUNNING`. As in HA, entities of
   * integrations are `unavailable` while starting and come back with fresh contexts (no call's, no user);
   * `throughUnavailable: false` skips that. Resolves once running. */
  async restart(
    options: { startingMs?: number; downMs?: number; throughUnavailable?: boolean } = {},
  ): Promise<void> {
    const { startingMs = 100, downMs = 0, throughUnavailable = true } = options;
    this.home.coreState = "STOPPING";
    this.home.bus.fire("homeassistant_stop", {}, "LOCAL", newContext());
    for (const connection of this.connections) connection.close(1001, "Home Assistant is restarting");
    this.home.forgetCreatedScenes();
    this.home.devices.forgetContexts();
    this.home.coreState = "NOT_RUNNING";
    const comeBack = throughUnavailable ? this.makeUnavailable() : [];
    if (downMs > 0) {
      this.down = true;
      await sleep(downMs);
      this.down = false;
    }
    this.home.coreState = "STARTING";
    this.home.bus.fire("homeassistant_start", {}, "LOCAL", newContext());
    await sleep(startingMs);
    for (const { entityId, state, attributes } of comeBack)
      this.home.setState(entityId, state, attributes, newContext());
    this.home.coreState = "RUNNING";
    this.home.bus.fire("core_config_updated", {}, "LOCAL", newContext());
    this.home.bus.fire("homeassistant_started", {}, "LOCAL", newContext());
  }

  /** Integration entities go `unavailable` (keeping only what HA restores); returns how to bring them back. */
  private makeUnavailable(): { entityId: string; state: string; attributes: HaAttributes }[] {
    const kept = new Set(["person", "sun", "scene", "zone", "input_boolean", "input_select", "input_number"]);
    const back: { entityId: string; state: string; attributes: HaAttributes }[] = [];
    for (const stored of this.home.states.all()) {
      if (kept.has(domainOf(stored.entityId))) continue;
      back.push({
        entityId: stored.entityId,
        state: stored.state,
        attributes: structuredClone(stored.attributes),
      });
      const restored: HaAttributes = { restored: true };
      for (const key of ["friendly_name", "supported_features", "supported_color_modes", "device_class"])
        if (stored.attributes[key] !== undefined) restored[key] = stored.attributes[key];
      this.home.states.set(stored.entityId, "unavailable", restored, newContext());
    }
    return back;
  }

  private requireState(entityId: string): HaState {
    const state = this.getState(entityId);
    if (!state) throw new Error(`HaSimulator: no entity ${entityId}`);
    return state;
  }

  private connectionHost(): ConnectionHost {
    const options = this.options;
    return {
      home: this.home,
      token: options.token,
      haVersion: options.haVersion,
      admin: options.admin,
      coalesce: options.coalesce,
      authTimeoutMs: options.authTimeoutMs,
      userId: SIM_USER_ID,
      authRejected: () => this.rejectingAuth,
      authAttempted: () => {
        this.authAttemptCount++;
      },
      responseDelayMs: () => this.responseDelay,
      commandFailed: (failure) => {
        this.failedCommands.push(failure);
      },
      commandReceived: (command) => {
        this.receivedCommands.push(command);
      },
      connectionClosed: (connection) => {
        this.connections.delete(connection);
      },
    };
  }
}
