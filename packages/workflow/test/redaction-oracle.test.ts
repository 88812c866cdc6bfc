import { createMemoryStore } from '@switchyard/store-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedactor, createWorkflowRunner, REDACTED, type WorkflowRunner } from '../src/index';
import { json, LOOPBACK, startServer, type TestServer } from './helpers';

const API_TOKEN = 'tok_live_0a1b2c3d4e5f6a7b';

describe('redaction of secrets is not an oracle', () => {
  it('a secret the caller supplied is left as is, so the result is the same for right and wrong guesses', () => {
    const redact = createRedactor([API_TOKEN], { knownToCaller: [`prefix ${API_TOKEN} suffix`] });
    expect(redact({ echoed: API_TOKEN })).toEqual({ echoed: API_TOKEN });
    const wrong = createRedactor([API_TOKEN], { knownToCaller: ['tok_live_0a1b'] });
    expect(wrong({ echoed: 'tok_live_0a1b', header: `Bearer ${API_TOKEN}` })).toEqual({ echoed: 'tok_live_0a1b', header: `Bearer ${REDACTED}` });
  });

  describe('through a run whose step echoes the input next to the secret header', () => {
    let peer: TestServer;
    let runner: WorkflowRunner;
    beforeAll(async () => {
      peer = await startServer((req, body, res) => json(res, 200, { guess: (JSON.parse(body || '{}') as { guess?: string }).guess, auth: req.headers.authorization }));
      runner = createWorkflowRunner({ store: createMemoryStore(), network: { allowPrivate: [...LOOPBACK.allowPrivate] }, environments: { dev: { baseUrls: { api: peer.url }, secrets: { API_TOKEN } } } });
      runner.register([
        {
          product: 'shop',
          tag: 'echo_guess',
          input: { guess: { type: 'string', required: true } },
          steps: [{ tag: 'echo', type: 'http', method: 'POST', base: 'api', url: '/echo', headers: { authorization: 'Bearer $Secret{API_TOKEN}' }, body: { guess: '$Input{guess}' } }],
          output: { guess: '$Sequence{echo}{body}{guess}', auth: '$Sequence{echo}{body}{auth}' },
        },
      ]);
    });
    afterAll(async () => {
      await runner.close();
      await peer.close();
    });

    it('a right guess comes back exactly as a wrong one does: verbatim, never masked', async () => {
      for (const guess of ['tok_live_0000000000000000', API_TOKEN.slice(0, 12), API_TOKEN, `x${API_TOKEN}x`]) {
        const result = await runner.run({ env: 'dev', product: 'shop', feature_tag: 'echo_guess', input: { guess } });
        expect(result.status).toBe('completed');
        expect((result.output as { guess: string }).guess, guess).toBe(guess);
        const record = await runner.getRun(result.runId);
        expect(record!.input).toEqual({ guess });
      }
      // A caller who does not send the secret never sees it.
      const blind = await runner.run({ env: 'dev', product: 'shop', feature_tag: 'echo_guess', input: { guess: 'nothing' } });
      expect((blind.output as { auth: string }).auth).toBe(`Bearer ${REDACTED}`);
      expect(JSON.stringify(await runner.getRun(blind.runId))).not.toContain(API_TOKEN);
    });
  });
});
