import type { ServerResponse } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";

interface SseClient {
  res: ServerResponse;
  /** Event types this client asked for; all when undefined. */
  types: ReadonlySet<string> | undefined;
}

export interface SseClientsOptions {
  heartbeatMs: number;
  /** A client whose unsent data grows beyond this is dropped instead of buffering without end. */
  maxBufferedBytes?: number;
  maxClients?: number;
  onDrop?: (reason: string) => void;
}

/**
 * The open server-sent-event streams of one route: opening (headers, first frame), broadcasting with
 * back-pressure, a heartbeat comment that keeps proxies from closing idle streams, and closing them all on
 * shutdown (from a preClose hook, so open streams never hold the server).
 */
export class SseClients {
  private readonly o: SseClientsOptions;
  private readonly clients = new Set<SseClient>();
  private heartbeat: NodeJS.Timeout | undefined;
  private nextId = 1;

  constructor(options: SseClientsOptions) {
    this.o = options;
  }

  get size(): number {
    return this.clients.size;
  }

  get full(): boolean {
    return this.clients.size >= (this.o.maxClients ?? Number.POSITIVE_INFINITY);
  }

  /** Takes over the reply and keeps the stream open; `first` is written right away. */
  open(req: FastifyRequest, reply: FastifyReply, first: string, types?: ReadonlySet<string>): void {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (typeof v === "string") headers[k] = v;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...headers,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write(first);
    const client: SseClient = { res, types };
    this.clients.add(client);
    req.raw.socket.setKeepAlive(true);
    res.on("close", () => this.clients.delete(client));
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => {
        for (const c of this.clients) this.write(c, ": heartbeat\n\n");
      }, this.o.heartbeatMs);
      this.heartbeat.unref();
    }
  }

  /** Sends one event to every client that wants it; `withId` numbers the events (`id:` lines). */
  broadcast(type: string, data: unknown, withId = false): void {
    if (this.clients.size === 0) return;
    const id = withId ? `id: ${this.nextId++}\n` : "";
    const frame = `event: ${type}\n${id}data: ${JSON.stringify(data) ?? "null"}\n\n`;
    for (const c of this.clients) if (!c.types || c.types.has(type)) this.write(c, frame);
  }

  closeAll(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }

  private write(c: SseClient, frame: string): void {
    if (c.res.writableLength > (this.o.maxBufferedBytes ?? 1_048_576)) {
      this.clients.delete(c);
      c.res.destroy();
      this.o.onDrop?.("client is not reading");
      return;
    }
    c.res.write(frame);
  }
}
