import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createServerRuntime, parseServerConfig, type ServerRuntime } from '../src/index';

let dir: string;
let runtime: ServerRuntime;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sy-console-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Switchyard</title><div id="app"></div>');
  writeFileSync(path.join(dir, 'assets', 'main-abc123.js'), 'console.log("ui")');
  const parsed = parseServerConfig(['--store', 'memory:'], {});
  runtime = await createServerRuntime(parsed.config!, { logger: createLogger('silent'), defaultMetrics: false, consoleDir: dir });
});

afterAll(async () => {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the admin console at /ui', () => {
  it('serves index.html for the app and its client-side routes, never cached', async () => {
    const http = supertest(runtime.app);
    for (const url of ['/ui', '/ui/', '/ui/flags/new-checkout', '/ui/playground']) {
      const res = await http.get(url);
      expect(res.status, url).toBe(200);
      expect(res.text).toContain('<div id="app">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });

  it('serves hashed assets with a long cache lifetime, and 404s unknown assets as JSON', async () => {
    const http = supertest(runtime.app);
    const asset = await http.get('/ui/assets/main-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await http.get('/ui/assets/missing.js');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });
});

describe('the front door at /', () => {
  it('sends a browser to the console and gives JSON clients an index of the APIs', async () => {
    const http = supertest(runtime.app);
    const browser = await http.get('/').set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8');
    expect(browser.status).toBe(302);
    expect(browser.headers.location).toBe('/ui');
    expect(browser.headers.vary).toContain('Accept');
    for (const accept of ['application/json', '*/*']) {
      const json = await http.get('/').set('Accept', accept);
      expect(json.status, accept).toBe(200);
      expect(json.body).toMatchObject({ name: 'Switchyard', console: '/ui', docs: '/docs', openApi: '/open-api.json', health: '/health' });
      expect(json.body.apis).toMatchObject({ native: '/api/v1/flags', workertown: '/v1/flags', ofrep: '/ofrep/v1/evaluate/flags' });
    }
    // Every path the index names is served (not a 404).
    const listed = await http.get('/').set('Accept', 'application/json');
    for (const url of ['/docs', '/open-api.json', '/health', listed.body.apis.native, listed.body.apis.workertown, listed.body.apis.cds]) {
      expect((await http.get(url)).status, url).not.toBe(404);
    }
  });

  it('answers JSON (no redirect) when the console is not served', async () => {
    const bare = await createServerRuntime(parseServerConfig(['--store', 'memory:'], {}).config!, { logger: createLogger('silent'), defaultMetrics: false });
    try {
      const res = await supertest(bare.app).get('/').set('Accept', 'text/html');
      expect(res.status).toBe(200);
      expect(res.body.console).toBeUndefined();
      expect(res.body.name).toBe('Switchyard');
    } finally {
      await bare.close();
    }
  });
});
