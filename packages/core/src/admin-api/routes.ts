import type { AdminOperations } from './types';

export type AdminMethod = 'get' | 'post' | 'put' | 'delete';

/** One operation of the native admin API: its method and express-style path (`:key` is a parameter). */
export interface AdminRoute {
  readonly method: AdminMethod;
  readonly path: string;
}

/**
 * The native admin API (`/api/v1`): the server mounts these routes and the admin client calls them,
 * so a path or method changes in one place.
 */
export const adminRoutes = {
  listFlags: { method: 'get', path: '/api/v1/flags' },
  getFlag: { method: 'get', path: '/api/v1/flags/:key' },
  putFlag: { method: 'put', path: '/api/v1/flags/:key' },
  deleteFlag: { method: 'delete', path: '/api/v1/flags/:key' },
  listValues: { method: 'get', path: '/api/v1/values' },
  updateValues: { method: 'post', path: '/api/v1/values' },
  evaluate: { method: 'post', path: '/api/v1/evaluate' },
  listAudit: { method: 'get', path: '/api/v1/audit' },
  listFeatures: { method: 'get', path: '/api/v1/features' },
  purgeFeatures: { method: 'post', path: '/api/v1/features/purge' },
  whoami: { method: 'get', path: '/api/v1/whoami' },
} as const satisfies { readonly [K in keyof AdminOperations]: AdminRoute };

export type AdminOperationId = keyof typeof adminRoutes;

/** A route's path with its `:name` parameters filled in, URL-encoded (flag keys may contain `/`). */
export function adminPath(operation: AdminOperationId, params: Record<string, string> = {}): string {
  return adminRoutes[operation].path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`${operation}: path parameter "${name}" is missing`);
    return encodeURIComponent(value);
  });
}
