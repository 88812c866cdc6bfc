// Scoped values at scale (cds-style maintained values): the lookup of a user's value must not grow
// with the number of values a toggle holds. A toggle with 1 scoped value, one with 1,000, and
// 100 toggles with 1,000 each (100,000 values in all), each hit and missed.
import { bench, run, summary } from 'mitata';
import { createEngine, type FlagDefinition, type MaintainedValues } from '../src/index';

const toggle = (key: string): FlagDefinition => ({ key, type: 'number', fallbackValue: 0, validations: [{ scopes: ['user', 'tenant'] }] });

function valuesFor(count: number): MaintainedValues {
  const scopedValues: Record<string, number> = {};
  for (let i = 0; i < count; i++) scopedValues[`user::user-${i}@example.com`] = i;
  return { rootValue: -1, scopedValues };
}

export default async function scopedBench(): Promise<void> {
  const one = createEngine();
  one.load({ definitions: [toggle('/t')], values: { '/t': valuesFor(1) } });
  const thousand = createEngine();
  thousand.load({ definitions: [toggle('/t')], values: { '/t': valuesFor(1000) } });
  const all = createEngine();
  const keys = Array.from({ length: 100 }, (_, i) => `/t${i}`);
  const started = performance.now();
  all.load({ definitions: keys.map(toggle), values: Object.fromEntries(keys.map((k) => [k, valuesFor(1000)])) });
  console.log(`load of 100 toggles × 1,000 scoped values: ${(performance.now() - started).toFixed(0)} ms`);

  const hit = { targetingKey: 'x', user: 'user-0@example.com', tenant: 'acme' };
  const deep = { targetingKey: 'x', user: 'user-999@example.com', tenant: 'acme' };
  const miss = { targetingKey: 'x', user: 'nobody@example.com', tenant: 'acme' };
  let n = 0;
  summary(() => {
    bench('scoped hit, 1 value', () => one.evaluate('/t', hit).value);
    bench('scoped hit, 1,000 values', () => thousand.evaluate('/t', deep).value);
    bench('scoped hit, 100,000 values in all', () => all.evaluate(keys[(n = (n + 1) % 100)]!, deep).value);
    bench('scoped miss → root, 1,000 values', () => thousand.evaluate('/t', miss).value);
  });
  await run({ colors: false });
}
