import type { IncomingMessage, ServerResponse } from "node:http";

/** The sliver of HA's REST API a client uses to check a token: `GET /api/`. */
export function handleHttpRequest(
  request: IncomingMessage,
  response: ServerResponse,
  tokenAccepted: (token: string) => boolean,
): void {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  if (path !== "/api/" && path !== "/api") {
    response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("404: Not Found");
    return;
  }
  const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? "");
  if (!match?.[1] || !tokenAccepted(match[1])) {
    response.writeHead(401, { "content-type": "text/plain; charset=utf-8" }).end("401: Unauthorized");
    return;
  }
  if (request.method !== "GET") {
    response.writeHead(405, { "content-type": "text/plain; charset=utf-8" }).end("405: Method Not Allowed");
    return;
  }
  response
    .writeHead(200, { "content-type": "application/json" })
    .end(JSON.stringify({ message: "API running." }));
}
