import type { FastifyInstance, FastifyPluginAsync, FastifyPluginOptions } from "fastify";
import type { ApiPlugin } from "./deps.js";

/** A fastify plugin with the dependencies it is registered with, as an {@link ApiPlugin}. */
export function routeGroup<O extends FastifyPluginOptions>(
  plugin: FastifyPluginAsync<O>,
  options: O,
): ApiPlugin {
  return async (app) => {
    await app.register(plugin, options);
  };
}

export interface RegisteredRoute {
  method: string;
  url: string;
  public: boolean;
}
const ROUTES = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** The list buildApi fills from its onRoute hook. */
export function recordRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  ROUTES.set(app, routes);
  return routes;
}

/** Every route fastify registered on an API from buildApi, as its onRoute hook saw them (plugins included). */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return ROUTES.get(app) ?? [];
}
