import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { Aedes } from "aedes";

export interface EmbeddedBroker {
  readonly url: string;
  readonly port: number;
  readonly aedes: Aedes;
  /** Stops accepting and drops every client; sessions (and queued QoS 1 messages) live on in `aedes`. */
  pause(): Promise<void>;
  /** Listens again on the same port. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * An in-process MQTT 3.1.1 broker (aedes) for the demo and the tests: a real broker on a real socket, with
 * persistent sessions held in memory for as long as the process lives.
 */
export async function startEmbeddedBroker(
  options: { host?: string; port?: number } = {},
): Promise<EmbeddedBroker> {
  const host = options.host ?? "127.0.0.1";
  const aedes = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  let server: Server = makeServer();

  function makeServer(): Server {
    const s = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      aedes.handle(socket);
    });
    return s;
  }

  server.listen(options.port ?? 0, host);
  await once(server, "listening");
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;

  async function closeServer(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    sockets.clear();
    await closed;
  }

  return {
    url: `mqtt://${host}:${port}`,
    port,
    aedes,
    pause: closeServer,
    async resume() {
      server = makeServer();
      server.listen(port, host);
      await once(server, "listening");
    },
    async stop() {
      await closeServer();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}
