import WebSocket from "ws";

type Json = Record<string, unknown>;

/** A bare WebSocket client for wire details the JS library hides: every frame is kept as received
 * (object or coalesced array), and messages can be awaited by predicate. */
export class RawHaClient {
  readonly frames: unknown[] = [];
  readonly messages: Json[] = [];
  private readonly socket: WebSocket;
  private readonly waiters = new Set<() => void>();
  private closed = false;
  private nextId = 1;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on("message", (data) => {
      const frame: unknown = JSON.parse(data.toString());
      this.frames.push(frame);
      for (const message of Array.isArray(frame) ? frame : [frame]) this.messages.push(message as Json);
      for (const waiter of [...this.waiters]) waiter();
    });
    socket.on("close", () => {
      this.closed = true;
      for (const waiter of [...this.waiters]) waiter();
    });
  }

  static async connect(wsUrl: string): Promise<RawHaClient> {
    const socket = new WebSocket(wsUrl);
    const client = new RawHaClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    await client.next((message) => message.type === "auth_required");
    return client;
  }

  /** Connects, authenticates and optionally opts into coalescing, consuming those replies. */
  static async ready(wsUrl: string, token: string, coalesce = false): Promise<RawHaClient> {
    const client = await RawHaClient.connect(wsUrl);
    client.send({ type: "auth", access_token: token });
    await client.next((message) => message.type === "auth_ok");
    if (coalesce) {
      await client.command({ type: "supported_features", features: { coalesce_messages: 1 } });
    }
    return client;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(payload: unknown): void {
    this.socket.send(JSON.stringify(payload));
  }

  sendText(text: string): void {
    this.socket.send(text);
  }

  /** Sends a command with the next id and resolves with its `result` (or `pong`) message. */
  async command(body: Json): Promise<Json> {
    const id = this.nextId++;
    this.send({ id, ...body });
    return this.next(
      (message) => message.id === id && (message.type === "result" || message.type === "pong"),
    );
  }

  useId(id: number): void {
    this.nextId = id;
  }

  /** The first message matching `predicate` that has not been consumed yet by an earlier `next`. */
  next(predicate: (message: Json) => boolean, timeoutMs = 2000): Promise<Json> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const index = this.messages.findIndex(predicate);
        if (index === -1) return false;
        const [found] = this.messages.splice(index, 1);
        resolve(found as Json);
        return true;
      };
      if (check()) return;
      const waiter = (): void => {
        if (check()) done();
        else if (this.closed) {
          done();
          reject(new Error("socket closed"));
        }
      };
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no matching message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  waitClosed(timeoutMs = 2000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        resolve();
        return;
      }
      const timer = setTimeout(() => reject(new Error("socket still open")), timeoutMs);
      this.socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.socket.close();
  }
}
