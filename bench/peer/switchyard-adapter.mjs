// Switchyard adapter for the peer benchmark (../shared/peer-bench): the same logical flags as the
// peers, evaluated through the public engine API (`evaluate` / `evaluateAll`).
// Usage: EXTRA=/abs/path/bench/peer/switchyard-adapter.mjs node --expose-gc bench-eval.mjs
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const core = require(join(here, '../../packages/core/dist/index.cjs'));
const { version } = require(join(here, '../../packages/core/package.json'));

export default {
  name: 'switchyard',
  version,
  note: 'createEngine().load(definitions) + evaluate(key, context).value / evaluateAll(context)',
  async setup({ SPEC, IDS, VARY, N_IDS, N_BULK, USER, MISS, RULE }) {
    const def = (f) => {
      switch (f.kind) {
        case 'bool':
          return { key: f.key, type: 'boolean', fallbackValue: false, defaultRule: { type: 'static', value: true } };
        case 'rule':
          return {
            key: f.key,
            type: 'boolean',
            fallbackValue: false,
            defaultRule: {
              type: 'targeting',
              rules: [
                {
                  when: {
                    all: [
                      { attribute: 'country', operator: 'in', value: RULE.countries },
                      { attribute: 'plan', operator: 'eq', value: RULE.plan },
                      { attribute: 'age', operator: 'gte', value: RULE.minAge },
                    ],
                  },
                  serve: { type: 'static', value: true },
                },
              ],
            },
          };
        case 'rollout':
          return { key: f.key, type: 'boolean', fallbackValue: false, defaultRule: { type: 'rollout', percentage: 50, value: true } };
        case 'split':
          return {
            key: f.key,
            type: 'string',
            fallbackValue: 'A',
            defaultRule: { type: 'variant', variants: [{ value: 'A', weight: 50 }, { value: 'B', weight: 50 }] },
          };
      }
    };
    const load = (flags) => {
      const engine = core.createEngine();
      engine.load({ definitions: flags.map(def) });
      return engine;
    };
    const small = load(SPEC.scenario);
    const big = load(SPEC.bulk);
    const ctxOf = (p) => ({ targetingKey: p.id, country: p.country, plan: p.plan, age: p.age });
    const ctx = ctxOf(USER);
    const miss = ctxOf(MISS);
    const vctx = VARY.map(ctxOf);
    const uctx = IDS.map((id) => ({ targetingKey: id }));
    const keys = SPEC.bulk.map((f) => f.key);
    let i = 0;
    let j = 0;
    let k = 0;
    return {
      s1: () => small.evaluate('s1-bool', ctx).value,
      s2: () => small.evaluate('s2-rule', ctx).value,
      s2miss: () => small.evaluate('s2-rule', miss).value,
      s2v: () => small.evaluate('s2-rule', vctx[(k = (k + 1) % N_IDS)]).value,
      s3a: () => small.evaluate('s3-rollout', uctx[(i = (i + 1) % N_IDS)]).value,
      s3b: () => small.evaluate('s3-split', uctx[(j = (j + 1) % N_IDS)]).value,
      s4loop: () => {
        let c = 0;
        for (let n = 0; n < N_BULK; n++) {
          const v = big.evaluate(keys[n], ctx).value;
          if (v === true || v === 'A') c++;
        }
        return c;
      },
      s4bulk: () => big.evaluateAll(ctx).length,
    };
  },
};
