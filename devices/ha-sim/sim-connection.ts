import { type RawData, WebSocket } from "ws";
import { authMessageSchema, humanizeIssues } from "./client-messages.js";
import { COMMANDS } from "./commands/command-table.js";
import type { CommandConnection, CommandMessage } from "./commands/command-types.js";
import { HaError } from "./ha-error.js";
import {
  authInvalid,
  authOk,
  authRequired,
  errorMessage,
  eventMessage,
  haErrorMessage,
  resultMessage,
  type ServerMessage,
} from "./server-messages.js";
import type { SimHome } from "./sim-home.js";

export interface CommandFailure {
  type: string;
  code: string;
  message: string;
}

/** One command a client sent after auth; `answered` turns true once its result (or pong) went out. */
export interface ReceivedCommand {
  readonly type: string;
  readonly id: number;
  answered: boolean;
}

/** What a connection needs from the simulator that owns it. */
export interface ConnectionHost {
  readonly home: SimHome;
  readonly token: string;
  readonly haVersion: string;
  readonly admin: boolean;
  readonly coalesce: boolean;
  readonly authTimeoutMs: number;
  readonly userId: string;
  authRejected(): boolean;
  /** Called for every auth message a client sends, accepted or not. */
  authAttempted?(): void;
  responseDelayMs(): number;
  /** Called for every command answered with an error, so tests can see what a client asked for in vain. */
  commandFailed?(failure: CommandFailure): void;
  /** Called for every well-formed command, so tests can see what a client asked for and what went unanswered. */
  commandReceived?(command: ReceivedCommand): void;
  connectionClosed(connection: SimConnection): void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCommandEnvelope(value: Record<string, unknown>): value is CommandMessage {
  return (
    typeof value.id === "number" &&
    Number.isInteger(value.id) &&
    value.id > 0 &&
    typeof value.type === "string" &&
    value.type.length > 0
  );
}

/** One client socket: the auth phase, then the command phase with HA's envelope rules. */
export class SimConnection implements CommandConnection {
  private readonly socket: WebSocket;
  private readonly host: ConnectionHost;
  private authenticated = false;
  private lastId = 0;
  private coalescing = false;
  private halfOpen = false;
  private queue: ServerMessage[] = [];
  private flushScheduled = false;
  private readonly subscriptions = new Map<number, () => void>();
  private readonly awaitingAnswer = new Map<number, ReceivedCommand>();
  private readonly authTimer: NodeJS.Timeout;

  constructor(socket: WebSocket, host: ConnectionHost) {
    this.socket = socket;
    this.host = host;
    // HA gives a client 10 s to authenticate and then hangs up without a word.
    this.authTimer = setTimeout(() => {
      if (!this.authenticated) this.socket.close();
    }, host.authTimeoutMs);
    socket.on("message", (data, isBinary) => this.receive(data, isBinary));
    socket.on("ping", (data) => {
      if (!this.halfOpen) socket.pong(data);
    });
    socket.on("close", () => this.cleanup());
    socket.on("error", () => this.cleanup());
    this.sendNow(authRequired(host.haVersion));
  }

  get home(): SimHome {
    return this.host.home;
  }

  get isAdmin(): boolean {
    return this.host.admin;
  }

  get userId(): string {
    return this.host.userId;
  }

  get isAuthenticated(): boolean {
    return this.authenticated;
  }

  send(message: ServerMessage): void {
    if (this.halfOpen || this.socket.readyState !== WebSocket.OPEN) return;
    // An id_reuse error answers the new command only, never an earlier one still running under that id.
    const idReuse = (message.error as { code?: unknown } | undefined)?.code === "id_reuse";
    if (
      (message.type === "result" || message.type === "pong") &&
      typeof message.id === "number" &&
      !idReuse
    ) {
      const command = this.awaitingAnswer.get(message.id);
      if (command) {
        command.answered = true;
        this.awaitingAnswer.delete(message.id);
      }
    }
    if (!this.coalescing) {
      this.sendNow(message);
      return;
    }
    this.queue.push(message);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Everything queued before the next turn of the event loop goes out as one frame.
    setImmediate(() => this.flush());
  }

  sendResult(id: number, result: unknown): void {
    this.send(resultMessage(id, result));
  }

  sendEvent(id: number, event: unknown): void {
    this.send(eventMessage(id, event));
  }

  enableCoalescing(): void {
    if (this.host.coalesce) this.coalescing = true;
  }

  addSubscription(id: number, unsubscribe: () => void): void {
    this.subscriptions.get(id)?.();
    this.subscriptions.set(id, unsubscribe);
  }

  removeSubscription(id: number): boolean {
    const unsubscribe = this.subscriptions.get(id);
    if (!unsubscribe) return false;
    unsubscribe();
    this.subscriptions.delete(id);
    return true;
  }

  /** Stops reading and writing (pings included) while the TCP connection stays up, like a pulled cable. */
  goHalfOpen(): void {
    this.halfOpen = true;
    this.queue = [];
  }

  /** Drops the TCP connection without a close frame. */
  terminate(): void {
    this.socket.terminate();
  }

  close(code = 1000, reason = ""): void {
    this.socket.close(code, reason);
  }

  private sendNow(message: ServerMessage | ServerMessage[]): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0 || this.halfOpen) return;
    this.sendNow(batch.length === 1 ? (batch[0] as ServerMessage) : batch);
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (this.halfOpen) return;
    let payload: unknown;
    try {
      if (isBinary) throw new Error("binary frame");
      payload = JSON.parse(data.toString());
    } catch {
      // HA closes the connection on a frame it cannot read as JSON text.
      this.socket.close();
      return;
    }
    if (!this.authenticated) {
      this.authenticate(payload);
      return;
    }
    for (const message of Array.isArray(payload) ? payload : [payload]) this.handleCommand(message);
  }

  private authenticate(payload: unknown): void {
    this.host.authAttempted?.();
    const parsed = authMessageSchema.safeParse(payload);
    if (!parsed.success) {
      this.rejectAuth(`Auth message incorrectly formatted: ${humanizeIssues(parsed.error)}`);
      return;
    }
    if (this.host.authRejected() || parsed.data.access_token !== this.host.token) {
      this.rejectAuth("Invalid access token or password");
      return;
    }
    this.authenticated = true;
    clearTimeout(this.authTimer);
    this.sendNow(authOk(this.host.haVersion));
  }

  private rejectAuth(message: string): void {
    this.sendNow(authInvalid(message));
    this.socket.close();
  }

  private handleCommand(message: unknown): void {
    if (!isRecord(message)) {
      this.send(errorMessage(0, "invalid_format", "Message incorrectly formatted."));
      return;
    }
    if (!isCommandEnvelope(message)) {
      const id = typeof message.id === "number" ? message.id : null;
      this.send(errorMessage(id, "invalid_format", "Message incorrectly formatted."));
      return;
    }
    const received: ReceivedCommand = { type: message.type, id: message.id, answered: false };
    this.host.commandReceived?.(received);
    if (message.id <= this.lastId) {
      // Answered here and now; the earlier command with this id keeps its own place in the record.
      received.answered = true;
      this.send(errorMessage(message.id, "id_reuse", "Identifier values have to increase."));
      return;
    }
    this.awaitingAnswer.set(message.id, received);
    const handler = COMMANDS.get(message.type);
    if (!handler) {
      // HA records the id only once a handler ran, so an unknown command's id may be used again.
      this.send(errorMessage(message.id, "unknown_command", "Unknown command."));
      this.host.commandFailed?.({ type: message.type, code: "unknown_command", message: "Unknown command." });
      return;
    }
    this.lastId = message.id;
    const run = (): void => {
      if (this.halfOpen) return;
      try {
        const pending = handler(this, message);
        if (pending) pending.catch((error: unknown) => this.sendFailure(message, error));
      } catch (error) {
        this.sendFailure(message, error);
      }
    };
    const delay = this.host.responseDelayMs();
    if (delay > 0) setTimeout(run, delay);
    else run();
  }

  private sendFailure(command: CommandMessage, error: unknown): void {
    const failure =
      error instanceof HaError
        ? { type: command.type, code: error.code, message: error.message }
        : { type: command.type, code: "unknown_error", message: "Unknown error" };
    if (error instanceof HaError) this.send(haErrorMessage(command.id, error));
    else this.send(errorMessage(command.id, failure.code, failure.message));
    this.host.commandFailed?.(failure);
  }

  private cleanup(): void {
    clearTimeout(this.authTimer);
    for (const unsubscribe of this.subscriptions.values()) unsubscribe();
    this.subscriptions.clear();
    this.queue = [];
    this.host.connectionClosed(this);
  }
}
