import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { storeCases } from './helpers';

const PACKAGE = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const CHILD = path.join(PACKAGE, 'test', 'fixtures', 'resolve-child.ts');
const SCOPES = ['s1', 's2', 's3', 's4', 's5'];

interface ChildResult {
  pid: number;
  resolvedFor: string[];
  values: Record<string, string>;
}

interface Child {
  ready: Promise<void>;
  go(): void;
  result: Promise<ChildResult>;
}

function startChild(url: string, namespace: string | undefined): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@switchyard/source', CHILD, url, namespace ?? '', ...SCOPES], {
    cwd: PACKAGE,
    timeout: 30_000,
  });
  let stdout = '';
  let stderr = '';
  let signalReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith('ready\n')) signalReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<ChildResult>((resolve, reject) => {
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`child exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.slice('ready\n'.length)) as ChildResult);
    });
  });
  return { ready: Promise.race([ready, result.then(() => undefined)]), go: () => child.stdin.end('go\n'), result };
}

// Memory stores cannot be shared between processes; every other driver must keep one result per scope.
const cases = (await storeCases()).filter((c) => c.name !== 'memory');

describe.each(cases)('two processes resolving the same scopes on $name', (storeCase) => {
  afterAll(() => storeCase.cleanup());

  test('both run resolve, one result per scope is stored, and both processes get it', async () => {
    const store = await storeCase.open();
    try {
      await store.purgeFeatures();
      const children = [startChild(storeCase.url, storeCase.namespace), startChild(storeCase.url, storeCase.namespace)];
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.go();
      const [a, b] = (await Promise.all(children.map((c) => c.result))) as [ChildResult, ChildResult];
      // Each process rolled its own dice for every scope: the race really happened.
      expect(a.resolvedFor).toEqual(SCOPES);
      expect(b.resolvedFor).toEqual(SCOPES);
      const stored = await store.getFeatureValues('race', SCOPES);
      for (const scope of SCOPES) {
        expect(a.values[scope]).toBe(b.values[scope]);
        expect(stored.get(scope)).toBe(a.values[scope]);
        expect(a.values[scope]).toMatch(new RegExp(`^(${a.pid}|${b.pid}):`));
      }
      expect(await store.listFeatures()).toEqual(['race']);
    } finally {
      await store.close();
    }
  }, 60_000);
});
