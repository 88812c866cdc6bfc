// User-supplied patterns on the linear-time engine: the adversarial patterns that stall a
// backtracking engine (`^(a|a)*$`, `(\w|\d)*$` against 30 "a"s and a mismatch) beside a plain
// pattern on the same input, and the `matches` operator as an evaluation sees it.
import { bench, do_not_optimize, run, summary } from 'mitata';
import { compilePattern, createEngine } from '../src/index';

export default async function regexBench(): Promise<void> {
  const input = `${'a'.repeat(30)}!`;
  const compiled = (pattern: string) => {
    const c = compilePattern(pattern);
    if (!c.ok) throw new Error(c.reason);
    return c.regex;
  };
  const alternation = compiled('^(a|a)*$');
  const classes = compiled('(\\w|\\d)*$');
  const plain = compiled('^a+$');
  const engine = createEngine();
  engine.load({
    definitions: [
      {
        key: 'adversarial',
        type: 'boolean',
        fallbackValue: false,
        defaultRule: { type: 'targeting', rules: [{ when: { attribute: 'name', operator: 'matches', value: '^(a|a)*$' }, serve: { type: 'static', value: true } }] },
      },
    ],
  });
  const context = { targetingKey: 'u1', name: input };
  summary(() => {
    bench('plain ^a+$, 31 chars', () => do_not_optimize(plain.test(input)));
    bench('adversarial ^(a|a)*$, 31 chars', () => do_not_optimize(alternation.test(input)));
    bench('adversarial (\\w|\\d)*$, 31 chars', () => do_not_optimize(classes.test(input)));
    bench('evaluate a flag with matches ^(a|a)*$', () => do_not_optimize(engine.evaluate('adversarial', context).value));
  });
  await run({ colors: false });
}
