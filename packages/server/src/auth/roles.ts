/** Roles, from least to most privileged: each one includes the ones before it. */
export const ROLES = ['read', 'write', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { read: 1, write: 2, admin: 3 };

/** True when `role` grants at least `required`. */
export function hasRole(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && Object.hasOwn(RANK, value);
}

/** The most privileged of several roles, or `undefined` for none. */
export function highestRole(roles: readonly Role[]): Role | undefined {
  let best: Role | undefined;
  for (const r of roles) if (best === undefined || RANK[r] > RANK[best]) best = r;
  return best;
}

/** Who made a request: an id for audit logs (never a secret) and what they may do. */
export interface Principal {
  id: string;
  /** The access the credentials grant. */
  role: Role;
  /** The role names the credentials presented (an API key's role, a JWT's role claim), when there were any. */
  roles?: readonly string[];
  /** Which strategy accepted the request: `api-key`, `basic`, `jwt`, or `none` when auth is off. */
  via: 'api-key' | 'basic' | 'jwt' | 'none';
}
