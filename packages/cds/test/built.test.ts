import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { startCapApp } from './fixtures/cap-app';

const built = existsSync(new URL('../dist/plugin.cjs', import.meta.url));

// The published form: cds-plugin.js loads dist/plugin.cjs with plain Node (run after `pnpm build`).
it.skipIf(!built)('the built package runs in a CAP app without TypeScript tooling', async () => {
  const app = await startCapApp({ built: true });
  try {
    expect((await app.request('system', 'POST', '/rest/feature/redisUpdate', { key: '/check/priority', value: 10, scope: { tenant: 'dogs' } })).json).toEqual({
      error: { message: 'tenant scope is invalid, only people and pets are allowed: "dogs"', code: '422', '@Common.numericSeverity': 4 },
    });
    expect((await app.request('system', 'GET', '/rest/feature/state')).status).toBe(200);
  } finally {
    await app.stop();
  }
});
