// Route options every route group may use, without loading the HTTP server (see index.ts: the server and
// its plugins load only when the API starts).

declare module "fastify" {
  interface FastifyContextConfig {
    /** A route that answers without the bearer token. Everything else, unknown paths included, needs it. */
    public?: boolean;
  }
}

/** Route options for the few routes anyone on an allowed Host may read: health and the dashboard's files. */
export const PUBLIC_ROUTE = { config: { public: true } } as const;
