import { Router } from 'express';
import type { ServerContext } from '../server-context';

/** Registers a group of related operations on a router. */
export type RouteGroup = (ctx: ServerContext, router: Router) => void;

/** One router holding the groups' operations, registered in the order given. */
export function routeGroups(ctx: ServerContext, ...groups: RouteGroup[]): Router {
  const router = Router();
  for (const group of groups) group(ctx, router);
  return router;
}
