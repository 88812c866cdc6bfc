import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServerConfig } from '../src/index';

describe('parseServerConfig', () => {
  it('has the embedded defaults', () => {
    const { config } = parseServerConfig([], {});
    expect(config).toEqual({
      port: 3000,
      host: '127.0.0.1',
      manifests: undefined,
      store: 'sqlite:./data/switchyard.db',
      environment: undefined,
      insecure: false,
      auth: { apiKeys: [], basic: [], jwt: undefined },
      bodyLimit: 1048576,
      logLevel: 'info',
      watchManifests: true,
      corsOrigins: [],
      authFailureLimit: { failures: 20, windowSeconds: 60, lockoutSeconds: 60, maxLockoutSeconds: 3600 },
      redisCommands: [],
      writeTimeoutMs: 5000,
      allowedHosts: [],
      headersTimeoutMs: 20000,
      requestTimeoutMs: 30000,
      streamLimits: { perClient: 16, total: 1000 },
      allowWeakKeys: false,
      acceptance: {},
    });
  });

  it('flags win over environment variables, which win over the config file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-config-'));
    const file = path.join(dir, 'switchyard.yaml');
    writeFileSync(file, 'port: 4000\nhost: 127.0.0.2\nmanifests: flags\nenvironment: staging\nauth:\n  apiKeys:\n    - { key: from-file-0123456789, role: read }\n');
    const fromFile = parseServerConfig(['--config', file], {}).config!;
    expect(fromFile).toMatchObject({ port: 4000, host: '127.0.0.2', manifests: path.join(dir, 'flags'), environment: 'staging' });
    expect(fromFile.auth.apiKeys).toEqual([{ key: 'from-file-0123456789', role: 'read' }]);
    const fromEnv = parseServerConfig(['--config', file], { PORT: '5000', NODE_ENV: 'production', DEFAULT_DATA_SOURCE: './data/features' }).config!;
    expect(fromEnv).toMatchObject({ port: 5000, environment: 'production', manifests: './data/features' });
    const fromFlags = parseServerConfig(['--config', file, '--port', '6000', '--env', 'development', '--manifests', 'm'], { PORT: '5000', SWITCHYARD_ENV: 'x', SWITCHYARD_MANIFESTS: 'y' }).config!;
    expect(fromFlags).toMatchObject({ port: 6000, environment: 'development', manifests: 'm' });
    expect(parseServerConfig([], { SWITCHYARD_ENV: 'a', NODE_ENV: 'b', SWITCHYARD_MANIFESTS: 'p', DEFAULT_DATA_SOURCE: 'q' }).config).toMatchObject({ environment: 'a', manifests: 'p' });
  });

  it('reads credentials from SWITCHYARD_API_KEYS and the Workertown variables', () => {
    const { config } = parseServerConfig([], {
      SWITCHYARD_API_KEYS: 'k1-0123456789abcdef:admin, k2-0123456789abcdef:read',
      FLAGS_API_KEY: 'wt-0123456789abcdef',
      FLAGS_USERNAME: 'u',
      FLAGS_PASSWORD: 'p',
      FLAGS_JWKS_URL: 'https://id.example/.well-known/jwks.json',
      FLAGS_JWT_ISSUER: 'iss',
      FLAGS_JWT_AUDIENCE: 'aud',
    });
    expect(config!.auth).toEqual({
      apiKeys: [
        { key: 'k1-0123456789abcdef', role: 'admin' },
        { key: 'k2-0123456789abcdef', role: 'read' },
        { key: 'wt-0123456789abcdef', role: 'admin' },
      ],
      basic: [{ username: 'u', password: 'p', role: 'admin' }],
      jwt: { secret: undefined, jwksUrl: 'https://id.example/.well-known/jwks.json', issuer: 'iss', audience: 'aud', roleClaim: 'role', defaultRole: 'read' },
    });
  });

  it('reports every problem as one line, never echoing secrets', () => {
    const { errors } = parseServerConfig(['--port', 'abc', '--store', 'mysql://x', '--log-level', 'loud'], { SWITCHYARD_API_KEYS: 'supersecret:root', FLAGS_USERNAME: 'u' });
    expect(errors).toEqual([
      '--port must be a port number from 0 to 65535, got "abc"',
      expect.stringMatching(/^unsupported store URL scheme "mysql:"/),
      'log level must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'SWITCHYARD_API_KEYS entry 1: role "root" grants nothing: use read, write, admin or a name of serviceAccessRoles, readAccessRoles, writeAccessRoles, adminAccessRoles (system-user)',
      'FLAGS_USERNAME and FLAGS_PASSWORD must be set together',
    ]);
    expect(errors!.join(' ')).not.toContain('supersecret');
    expect(parseServerConfig(['--bogus'], {}).errors).toEqual([expect.stringMatching(/Unknown option '--bogus'/)]);
    expect(parseServerConfig([], { PORT: '70000' }).errors).toEqual(['PORT must be a port number from 0 to 65535, got "70000"']);
  });

  it('refuses a non-loopback address without credentials unless --insecure', () => {
    expect(parseServerConfig(['--host', '0.0.0.0'], {}).errors).toEqual([expect.stringMatching(/^refusing to listen on 0\.0\.0\.0 without credentials/)]);
    expect(parseServerConfig(['--host', '0.0.0.0', '--insecure'], {}).config?.insecure).toBe(true);
    expect(parseServerConfig(['--host', '0.0.0.0'], { FLAGS_API_KEY: 'k-0123456789abcdef' }).config?.host).toBe('0.0.0.0');
    expect(parseServerConfig(['--host', '::1'], {}).config?.host).toBe('::1');
    expect(parseServerConfig(['--host', 'localhost'], {}).config?.host).toBe('localhost');
  });

  it('rejects invalid config files with the file and field', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-config-'));
    const file = path.join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ port: 1, auth: { apiKeys: [{ key: 'x', role: 'owner' }] } }));
    expect(parseServerConfig(['--config', file], {}).errors).toEqual([expect.stringMatching(/^config file .*c\.json: auth\.apiKeys\[0\]\.role: /)]);
    writeFileSync(file, '{');
    expect(parseServerConfig(['--config', file], {}).errors).toEqual([expect.stringMatching(/^config file .*c\.json is not valid JSON/)]);
    // A misspelt key is an error with the key it most likely means, not a setting silently left at its default.
    writeFileSync(file, JSON.stringify({ stor: 'memory:', auth: { apikeys: [] } }));
    expect(parseServerConfig(['--config', file], {}).errors).toEqual([
      expect.stringMatching(/c\.json: auth: unknown key "apikeys" \(did you mean "apiKeys"\?\)$/),
      expect.stringMatching(/c\.json: unknown key "stor" \(did you mean "store"\?\)$/),
    ]);
  });
});
