import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { parseServerConfig } from '../src/index';
import { RoleMap } from '../src/auth/access-roles';
import { testServer, type TestServer } from './helpers';

const JWT_SECRET = 'another-long-shared-secret-for-hs256!';
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function server(env: Record<string, string>): Promise<TestServer> {
  const s = await testServer({ env: { FLAGS_JWT_SECRET: JWT_SECRET, ...env } });
  servers.push(s);
  return s;
}

const token = (roles: string[] | string) =>
  new SignJWT({ role: roles }).setProtectedHeader({ alg: 'HS256' }).setSubject('svc').setExpirationTime('5m').sign(new TextEncoder().encode(JWT_SECRET));

/** Status of one read, one write and one admin request with these credentials. */
async function access(s: TestServer, auth: [string, string]): Promise<Record<'read' | 'write' | 'admin', number>> {
  const read = await s.http.get('/rest/feature/state').set(...auth);
  const write = await s.http.post('/rest/feature/redisUpdate').set(...auth).send({ key: '/memory/logInterval', value: 1 });
  const admin = await s.http.get('/v1/admin/info').set(...auth);
  return { read: read.status, write: write.status, admin: admin.status };
}

describe('access roles (cds-feature-toggles settings) on the standalone server', () => {
  it('by default the seed pseudo-role system-user reads and writes, but is no admin', async () => {
    const s = await server({ SWITCHYARD_API_KEYS: 'k-system-0123456789abcdef:system-user' });
    expect(await access(s, ['X-API-Key', 'k-system-0123456789abcdef'])).toEqual({ read: 200, write: 204, admin: 403 });
    expect(await access(s, ['Authorization', `Bearer ${await token('system-user')}`])).toEqual({ read: 200, write: 204, admin: 403 });
    const denied = await s.http.get('/v1/admin/info').set('X-API-Key', 'k-system-0123456789abcdef');
    expect(denied.body.error).toBe('this operation needs the admin role; the credentials have write');
  });

  it('serviceAccessRoles replaces the default; read/write/admin lists grant exactly their access; JWT claims may list several names', async () => {
    const s = await server({
      SWITCHYARD_SERVICE_ACCESS_ROLES: 'feature-operator',
      SWITCHYARD_READ_ACCESS_ROLES: 'auditor, feature-operator',
      SWITCHYARD_ADMIN_ACCESS_ROLES: 'redis-debugger',
      SWITCHYARD_API_KEYS: 'k-op-0123456789abcdef:feature-operator,k-audit-0123456789abcdef:auditor,k-debug-0123456789abcdef:redis-debugger,k-plain-read-0123456789abcdef:read',
    });
    expect(await access(s, ['X-API-Key', 'k-op-0123456789abcdef'])).toEqual({ read: 200, write: 204, admin: 403 });
    expect(await access(s, ['X-API-Key', 'k-audit-0123456789abcdef'])).toEqual({ read: 200, write: 403, admin: 403 });
    expect(await access(s, ['X-API-Key', 'k-debug-0123456789abcdef'])).toEqual({ read: 200, write: 204, admin: 200 });
    expect(await access(s, ['X-API-Key', 'k-plain-read-0123456789abcdef'])).toEqual({ read: 200, write: 403, admin: 403 });
    // system-user no longer grants anything: the JWT falls back to the default role (read).
    expect(await access(s, ['Authorization', `Bearer ${await token('system-user')}`])).toEqual({ read: 200, write: 403, admin: 403 });
    expect(await access(s, ['Authorization', `Bearer ${await token(['auditor', 'redis-debugger'])}`])).toEqual({ read: 200, write: 204, admin: 200 });
    expect(await access(s, ['Authorization', `Bearer ${await token('auditor feature-operator')}`])).toEqual({ read: 200, write: 204, admin: 403 });
  });

  it('the config file takes the lists under auth, and API key roles are checked against them', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-roles-'));
    try {
      const file = path.join(dir, 'switchyard.yaml');
      writeFileSync(file, 'auth:\n  writeAccessRoles: [editor]\n  apiKeys:\n    - { key: k-editor-0123456789abcdef, role: editor }\n    - { key: k-typo-0123456789abcdef, role: editr }\n');
      const parsed = parseServerConfig(['--config', file], {});
      expect(parsed.errors).toEqual([
        `config file ${file}: auth.apiKeys[1].role: "editr" grants nothing: use read, write, admin or a name of serviceAccessRoles, readAccessRoles, writeAccessRoles, adminAccessRoles (system-user, editor)`,
      ]);
      writeFileSync(file, 'auth:\n  writeAccessRoles: [editor]\n  apiKeys:\n    - { key: k-editor-0123456789abcdef, role: editor }\n');
      const ok = parseServerConfig(['--config', file], {});
      expect(ok.config?.auth.accessRoles).toEqual({ writeAccessRoles: ['editor'] });
      expect(ok.config?.auth.apiKeys).toEqual([{ key: 'k-editor-0123456789abcdef', role: 'editor' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an API key with a role nothing grants is a configuration error that never echoes the key', () => {
    const parsed = parseServerConfig([], { SWITCHYARD_API_KEYS: 'secret-key-value:superuser' });
    expect(parsed.errors).toEqual([
      'SWITCHYARD_API_KEYS entry 1: role "superuser" grants nothing: use read, write, admin or a name of serviceAccessRoles, readAccessRoles, writeAccessRoles, adminAccessRoles (system-user)',
    ]);
    expect(parsed.errors!.join()).not.toContain('secret-key-value');
  });
});

describe('RoleMap', () => {
  it('read/write/admin always mean themselves; a name in several lists grants the most', () => {
    const map = new RoleMap({ readAccessRoles: ['x'], writeAccessRoles: ['x', 'w'], adminAccessRoles: ['x'] });
    expect(map.roleOf('x')).toBe('admin');
    expect(map.roleOf('w')).toBe('write');
    expect(map.roleOf('admin')).toBe('admin');
    expect(map.roleOf('system-user')).toBeUndefined();
    expect(new RoleMap().roleOf('system-user')).toBe('write');
    expect(map.highest(['nobody', 'w'])).toBe('write');
  });
});
