import { highestRole, isRole, type Role } from './roles';

/**
 * cds-feature-toggles' access-role settings: which role names (an API key's role, the values of a
 * JWT's role claim, a basic credential's role) grant which access. `serviceAccessRoles` covers
 * read and write; `readAccessRoles` / `writeAccessRoles` replace it for one of the two;
 * `adminAccessRoles` grants admin (the raw Redis command endpoint among others).
 */
export interface AccessRoles {
  serviceAccessRoles?: readonly string[];
  readAccessRoles?: readonly string[];
  writeAccessRoles?: readonly string[];
  adminAccessRoles?: readonly string[];
}

/** The seed's default: the FeatureService is open to CAP's `system-user` pseudo-role. */
export const DEFAULT_SERVICE_ACCESS_ROLES: readonly string[] = ['system-user'];

export const ACCESS_ROLE_SETTINGS = ['serviceAccessRoles', 'readAccessRoles', 'writeAccessRoles', 'adminAccessRoles'] as const;

/**
 * Maps role names to Switchyard's roles. `read`, `write` and `admin` always mean themselves; the
 * access-role lists add names. Switchyard's roles are cumulative (write includes read, admin
 * includes both), so a name that grants write also reads.
 */
export class RoleMap {
  private readonly grants = new Map<string, Role>();

  constructor(access: AccessRoles = {}) {
    const service = access.serviceAccessRoles ?? DEFAULT_SERVICE_ACCESS_ROLES;
    this.grant(access.readAccessRoles ?? service, 'read');
    this.grant(access.writeAccessRoles ?? service, 'write');
    this.grant(access.adminAccessRoles ?? [], 'admin');
  }

  /** The Switchyard role a role name grants, if any. */
  roleOf(name: string): Role | undefined {
    if (isRole(name)) return name;
    return this.grants.get(name);
  }

  /** The most privileged role any of `names` grants, or `undefined`. */
  highest(names: readonly string[]): Role | undefined {
    const roles: Role[] = [];
    for (const name of names) {
      const role = this.roleOf(name);
      if (role) roles.push(role);
    }
    return highestRole(roles);
  }

  /** Every name this map knows besides `read`, `write` and `admin`, for error messages. */
  names(): string[] {
    return [...this.grants.keys()];
  }

  private grant(names: readonly string[], role: Role): void {
    for (const name of names) {
      const current = this.grants.get(name);
      if (!current || highestRole([current, role]) === role) this.grants.set(name, role);
    }
  }
}
