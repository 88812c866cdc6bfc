import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as esmCore from '@switchyard/core';
import type { FlagStore } from '@switchyard/core';
import { openStore } from '@switchyard/stores';
import { createLogger, createServer } from '../src/index';

/**
 * A store adapter (or a workflow, a validator…) may throw core's errors from core's other module
 * format: the server then sees a `ValidationError` that is not `instanceof` its own class. The
 * server must still answer 422/409/503, never 500.
 */
const cjsBuild = fileURLToPath(new URL('../../core/dist/index.cjs', import.meta.url));
type CoreErrors = Pick<typeof esmCore, 'ValidationError' | 'ConflictError' | 'StoreUnavailableError'>;

/** Structurally equal to core's errors, yet another class: what any second copy of core throws. */
const foreign: CoreErrors = {
  ValidationError: class ValidationError extends Error {
    readonly code = 'VALIDATION' as const;
    constructor(readonly issues: { path: (string | number)[]; message: string }[]) {
      super(issues.map((i) => i.message).join('; '));
      this.name = 'ValidationError';
    }
  },
  ConflictError: class ConflictError extends Error {
    readonly code = 'CONFLICT' as const;
    constructor(readonly key: string, readonly expectedVersion: number, readonly actualVersion: number) {
      super(`"${key}" is at version ${actualVersion}, not ${expectedVersion}; read it again and retry`);
      this.name = 'ConflictError';
    }
  },
  StoreUnavailableError: class StoreUnavailableError extends Error {
    readonly code = 'STORE_UNAVAILABLE' as const;
    constructor(message: string) {
      super(message);
      this.name = 'StoreUnavailableError';
    }
  },
} as unknown as CoreErrors;

let store: FlagStore;
let http: ReturnType<typeof supertest>;
let throwNext: (() => Error) | undefined;

beforeAll(async () => {
  store = await openStore('memory:');
  const upsert = store.upsertFlag.bind(store);
  store.upsertFlag = async (definition, options) => {
    const make = throwNext;
    throwNext = undefined;
    if (make) throw make();
    return upsert(definition, options);
  };
  const engine = esmCore.createEngine();
  http = supertest(createServer({ engine, store, logger: createLogger('silent'), requestLogging: false }));
});
afterAll(() => store.close());

const sources: [string, () => CoreErrors][] = [
  ['a structurally equal foreign class', () => foreign],
  ['core\'s CommonJS build', () => createRequire(import.meta.url)(cjsBuild) as CoreErrors],
];

describe('errors from another copy of core keep their HTTP status', () => {
  it('the CommonJS build is there to test against (built with the workspace)', () => {
    expect(existsSync(cjsBuild), `${cjsBuild} (run the build)`).toBe(true);
  });

  for (const [name, load] of sources) {
    it(`${name}: ValidationError → 422, ConflictError → 409, StoreUnavailableError → 503`, async () => {
      const core = load();
      expect(new core.ValidationError([]) instanceof esmCore.ValidationError).toBe(false);
      const put = () => http.put('/api/v1/flags/x').send({ type: 'boolean', fallbackValue: false });

      throwNext = () => new core.ValidationError([{ path: ['fallbackValue'], message: 'refused by the store' }]);
      const invalid = await put();
      expect(invalid.status).toBe(422);
      expect(invalid.body.error).toEqual({ code: 'VALIDATION', message: expect.stringContaining('refused by the store'), issues: [{ path: ['fallbackValue'], message: 'refused by the store' }] });

      throwNext = () => new core.ConflictError('x', 1, 2);
      const conflict = await put();
      expect(conflict.status).toBe(409);
      expect(conflict.body.error.code).toBe('CONFLICT');

      throwNext = () => new core.StoreUnavailableError('the store is down');
      const down = await put();
      expect(down.status).toBe(503);
      expect(down.body.error).toEqual({ code: 'STORE_UNAVAILABLE', message: 'the store is down' });

      // The same error in a compatibility surface keeps its status and that surface's shape.
      throwNext = () => new core.ValidationError([{ path: [], message: 'refused by the store' }]);
      const wt = await http.put('/v1/flags/y').send({});
      expect(wt.status).toBe(422);
      expect(wt.body).toEqual({ status: 422, success: false, data: null, error: 'refused by the store' });
    });
  }
});
