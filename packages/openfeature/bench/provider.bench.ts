// Cost of evaluating through the provider against the raw engine: the provider's resolve call
// (mapping to OpenFeature's shape) and a full OpenFeature client call (hooks, context merging).
import { bench, do_not_optimize, run, summary } from 'mitata';
import { OpenFeature } from '@openfeature/server-sdk';
import type { FlagDefinition } from '@switchyard/core';
import { SDK_BENCH_FLAGS, rotatingContexts } from '../../../bench/sdk-flags';
import { SwitchyardProvider, type FlagSource } from '../src/index';

export default async function providerBench(): Promise<void> {
  const definitions: FlagDefinition[] = [{ key: 'static-bool', type: 'boolean', fallbackValue: false, defaultRule: { type: 'static', value: true } }, ...SDK_BENCH_FLAGS];
  const source: FlagSource = {
    description: 'bench',
    start: async (engine) => {
      engine.load({ definitions });
      return { stale: false };
    },
    close: async () => undefined,
  };
  const provider = new SwitchyardProvider({ source });
  await OpenFeature.setProviderAndWait('bench', provider);
  const client = OpenFeature.getClient('bench');
  const engine = provider.engine;
  const next = rotatingContexts();

  summary(() => {
    bench('engine.boolean (raw engine), rule', () => do_not_optimize(engine.boolean('rule', false, next())));
    bench('provider.resolveBooleanEvaluation, rule', () => do_not_optimize(provider.resolveBooleanEvaluation('rule', false, next())));
    bench('OpenFeature client.getBooleanValue, rule', async () => do_not_optimize(await client.getBooleanValue('rule', false, next())));
  });
  summary(() => {
    bench('engine.string (raw engine), split', () => do_not_optimize(engine.string('split', 'x', next())));
    bench('provider.resolveStringEvaluation, split', () => do_not_optimize(provider.resolveStringEvaluation('split', 'x', next())));
    bench('OpenFeature client.getStringDetails, split', async () => do_not_optimize(await client.getStringDetails('split', 'x', next())));
  });
  await run();
  await OpenFeature.clearProviders();
}
