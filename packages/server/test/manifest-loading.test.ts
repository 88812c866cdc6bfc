import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import supertest from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@switchyard/store-test-suite';
import { createLogger, createServerRuntime, parseServerConfig, StartupError, type ServerRuntime } from '../src/index';

const GOOD = 'banner:\n  production: true\n';
/** A static entry without its value: it used to be skipped silently. */
const BROKEN = 'banner:\n  production:\n    type: static\n  staging:\n    type: variant\n    values: []\n';

let dir: string;
let runtime: ServerRuntime | undefined;
let log: string[] = [];

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(files: Record<string, string>, watch: boolean) {
  dir = mkdtempSync(path.join(tmpdir(), 'sy-manifests-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const parsed = parseServerConfig(['--store', 'memory:', '--manifests', dir, '--env', 'production', ...(watch ? [] : ['--no-watch'])], {});
  log = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (log.push(String(chunk)), done()) });
  runtime = await createServerRuntime(parsed.config!, { logger: createLogger('info', sink), defaultMetrics: false, requestLogging: false });
  return supertest(runtime.app);
}

describe('broken manifests are refused loudly', () => {
  for (const watch of [false, true]) {
    it(`a server started with a broken Featuris entry refuses to start, naming file:line:col (${watch ? 'watching' : '--no-watch'})`, async () => {
      const failure = await start({ 'flags.yaml': BROKEN }, watch).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(StartupError);
      expect((failure as Error).message).toBe(`manifests in ${dir} are invalid: flags.yaml:2:3 banner.production.value: required (and 1 more problem)`);
      expect(log.join('')).toContain('flags.yaml:6:5 banner.staging.values: needs at least one value');
    });
  }

  it('a live reload to a broken file keeps the last good version and logs every problem', async () => {
    const http = await start({ 'flags.yaml': GOOD }, true);
    expect((await http.get('/flags?env=production')).body.banner).toMatchObject({ value: true });
    writeFileSync(path.join(dir, 'flags.yaml'), BROKEN);
    await waitFor(() => log.join('').includes('manifest rejected, keeping the last good set: flags.yaml:2:3 banner.production.value: required'), { description: 'the rejection' });
    expect(log.join('')).toContain('manifest rejected, keeping the last good set: flags.yaml:6:5 banner.staging.values: needs at least one value');
    expect((await http.get('/flags?env=production')).body.banner).toMatchObject({ value: true });
    expect(runtime!.engine.has('banner')).toBe(true);
    writeFileSync(path.join(dir, 'flags.yaml'), 'banner:\n  production: false\n');
    await waitFor(async () => (await http.get('/flags?env=production')).body.banner?.value === false, { description: 'the fixed file' });
  });
});

describe('flag sets named like server routes', () => {
  it('are served only under /manifests, and the startup log says so', async () => {
    const http = await start({ 'health.yaml': GOOD, 'v1.yaml': 'v1_flag:\n  production: true\n', 'docs/guide.yaml': 'guide_flag:\n  production: true\n', 'shop.yaml': 'shop_flag:\n  production: true\n' }, false);
    const text = log.join('');
    expect(text).toContain('flag set \\"health\\" is served at /manifests/health only: its root alias would be the server route /health');
    expect(text).toContain('flag set \\"v1\\" is served at /manifests/v1 only: its root alias would be the server route /v1');
    expect(text).toContain('flag set \\"docs/guide\\" is served at /manifests/docs/guide only: its root alias would be the server route /docs');
    expect(text).not.toContain('flag set \\"shop\\"');
    expect((await http.get('/manifests/health')).body.banner).toBeDefined();
    expect((await http.get('/health')).body).toMatchObject({ data: 'OK' });
    expect((await http.get('/manifests/v1')).body.v1_flag).toBeDefined();
    expect((await http.get('/manifests/docs/guide')).body.guide_flag).toBeDefined();
    // The root alias never serves them, even where no route would have caught the path.
    const alias = await http.get('/docs/guide');
    expect(alias.status).toBe(404);
    expect(alias.body.error.message).toBe('flag set "docs/guide" is served at /manifests/docs/guide only: /docs is a server route');
    expect((await http.get('/shop')).body.shop_flag).toBeDefined();
  });
});
