import { Router, type IRouter, type RequestHandler } from 'express';
import type { OperationSpec } from '../http/operations';
import type { ServerContext } from '../server-context';

/** Registers one operation on a group's router, under the group's OpenAPI tag and with the server's authenticator. */
export type AddRoute = (spec: Omit<OperationSpec, 'tag'>, ...handlers: RequestHandler[]) => void;

/** Registers a group of related operations. */
export type RouteGroup = (ctx: ServerContext, route: AddRoute) => void;

/** `route(spec, handler)` for the operations of one API: `router` serves them, all documented under `tag`. */
export function taggedRoutes(ctx: ServerContext, router: IRouter, tag: string): AddRoute {
  return (spec, ...handlers) => ctx.operations.route(router, ctx.auth, { ...spec, tag }, ...handlers);
}

/** One router holding the groups' operations, registered in the order given, all under `tag`. */
export function routeGroups(ctx: ServerContext, tag: string, ...groups: RouteGroup[]): Router {
  const router = Router();
  const route = taggedRoutes(ctx, router, tag);
  for (const group of groups) group(ctx, route);
  return router;
}
