import { ACCESS_ROLE_SETTINGS, RoleMap, type AccessRoles } from '../auth/access-roles';
import { isRole } from '../auth/roles';
import type { ApiKeyCredential, AuthConfig, BasicCredential, JwtConfig } from './server-config';
import type { ConfigFile } from './config-file';
import { apiKeyWeakness, jwtSecretWeakness } from '../security/key-strength';

/** Environment variables of the access-role lists (comma-separated role names). */
const ACCESS_ROLE_ENV: Record<(typeof ACCESS_ROLE_SETTINGS)[number], string> = {
  serviceAccessRoles: 'SWITCHYARD_SERVICE_ACCESS_ROLES',
  readAccessRoles: 'SWITCHYARD_READ_ACCESS_ROLES',
  writeAccessRoles: 'SWITCHYARD_WRITE_ACCESS_ROLES',
  adminAccessRoles: 'SWITCHYARD_ADMIN_ACCESS_ROLES',
};

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Credentials from the environment (and the config file's `auth` section):
 * `SWITCHYARD_API_KEYS="key1:admin,key2:read"`; Workertown's `FLAGS_API_KEY` (admin),
 * `FLAGS_USERNAME`/`FLAGS_PASSWORD` (admin), `FLAGS_JWT_SECRET`, `FLAGS_JWKS_URL`, `FLAGS_JWT_ISSUER`,
 * `FLAGS_JWT_AUDIENCE`; `SWITCHYARD_JWT_ROLE_CLAIM`, `SWITCHYARD_JWT_DEFAULT_ROLE`; the access-role lists
 * `SWITCHYARD_SERVICE_ACCESS_ROLES`, `SWITCHYARD_READ_ACCESS_ROLES`, `SWITCHYARD_WRITE_ACCESS_ROLES`,
 * `SWITCHYARD_ADMIN_ACCESS_ROLES` (comma-separated; they replace the file's `auth.serviceAccessRoles` …).
 */
export function authFromEnv(env: Env, file: ConfigFile['auth'], errors: string[], weak: string[] = errors, fileName = 'the config file'): AuthConfig {
  const accessRoles: AccessRoles = {};
  for (const setting of ACCESS_ROLE_SETTINGS) {
    const text = env[ACCESS_ROLE_ENV[setting]];
    const names = text !== undefined && text.trim() !== '' ? text.split(',').map((n) => n.trim()).filter((n) => n !== '') : file?.[setting];
    if (names) accessRoles[setting] = names;
  }
  const roles = new RoleMap(accessRoles);
  const roleProblem = (role: string): string | undefined =>
    roles.roleOf(role) ? undefined : `"${role}" grants nothing: use read, write, admin or a name of ${ACCESS_ROLE_SETTINGS.join(', ')}${roles.names().length ? ` (${roles.names().join(', ')})` : ''}`;
  const apiKeys: ApiKeyCredential[] = [];
  (file?.apiKeys ?? []).forEach((k, i) => {
    const problem = roleProblem(k.role);
    if (problem) {
      errors.push(`config file ${fileName}: auth.apiKeys[${i}].role: ${problem}`);
      return;
    }
    // Weak secrets go to `weak`: errors unless SWITCHYARD_ALLOW_WEAK_KEYS=1, then startup warnings.
    const weakness = apiKeyWeakness(k.key, `config file auth.apiKeys[${i}].key`);
    if (weakness) weak.push(weakness);
    apiKeys.push(k);
  });
  const list = env.SWITCHYARD_API_KEYS?.trim();
  if (list) {
    list.split(',').forEach((entry, i) => {
      const item = entry.trim();
      const at = item.lastIndexOf(':');
      const key = at > 0 ? item.slice(0, at) : item;
      const role = at > 0 ? item.slice(at + 1) : '';
      // Never echo the key itself: only its position.
      if (!key || !role) errors.push(`SWITCHYARD_API_KEYS entry ${i + 1} must look like KEY:ROLE with ROLE one of read, write, admin or an access role name`);
      else if (roleProblem(role)) errors.push(`SWITCHYARD_API_KEYS entry ${i + 1}: role ${roleProblem(role)}`);
      else {
        const problem = apiKeyWeakness(key, `SWITCHYARD_API_KEYS entry ${i + 1}`);
        if (problem) weak.push(problem);
        apiKeys.push({ key, role });
      }
    });
  }
  if (env.FLAGS_API_KEY) {
    const problem = apiKeyWeakness(env.FLAGS_API_KEY, 'FLAGS_API_KEY');
    if (problem) weak.push(problem);
    apiKeys.push({ key: env.FLAGS_API_KEY, role: 'admin' });
  }

  const basic: BasicCredential[] = [];
  (file?.basic ?? []).forEach((b, i) => {
    const problem = roleProblem(b.role);
    if (problem) errors.push(`config file ${fileName}: auth.basic[${i}].role: ${problem}`);
    else basic.push(b);
  });
  if (env.FLAGS_USERNAME || env.FLAGS_PASSWORD) {
    if (!env.FLAGS_USERNAME || !env.FLAGS_PASSWORD) errors.push('FLAGS_USERNAME and FLAGS_PASSWORD must be set together');
    else basic.push({ username: env.FLAGS_USERNAME, password: env.FLAGS_PASSWORD, role: 'admin' });
  }

  const fileJwt = file?.jwt;
  const secret = env.FLAGS_JWT_SECRET || fileJwt?.secret;
  const jwksUrl = env.FLAGS_JWKS_URL || fileJwt?.jwksUrl;
  let jwt: JwtConfig | undefined;
  if (jwksUrl) {
    try {
      new URL(jwksUrl);
    } catch {
      errors.push(`FLAGS_JWKS_URL must be a URL, got "${jwksUrl}"`);
    }
  }
  const defaultRole = env.SWITCHYARD_JWT_DEFAULT_ROLE || fileJwt?.defaultRole || 'read';
  if (!isRole(defaultRole)) errors.push(`SWITCHYARD_JWT_DEFAULT_ROLE must be one of read, write, admin, got "${defaultRole}"`);
  if (secret) {
    const problem = jwtSecretWeakness(secret, env.FLAGS_JWT_SECRET ? 'FLAGS_JWT_SECRET' : 'config file auth.jwt.secret');
    if (problem) weak.push(problem);
  }
  if (secret || jwksUrl) {
    jwt = {
      secret: secret || undefined,
      jwksUrl: jwksUrl || undefined,
      issuer: env.FLAGS_JWT_ISSUER || fileJwt?.issuer || undefined,
      audience: env.FLAGS_JWT_AUDIENCE || fileJwt?.audience || undefined,
      roleClaim: env.SWITCHYARD_JWT_ROLE_CLAIM || fileJwt?.roleClaim || 'role',
      defaultRole: isRole(defaultRole) ? defaultRole : 'read',
    };
  } else if (env.FLAGS_JWT_ISSUER || env.FLAGS_JWT_AUDIENCE) {
    errors.push('FLAGS_JWT_ISSUER/FLAGS_JWT_AUDIENCE need FLAGS_JWT_SECRET or FLAGS_JWKS_URL');
  }
  return { apiKeys, basic, jwt, ...(Object.keys(accessRoles).length ? { accessRoles } : {}) };
}
