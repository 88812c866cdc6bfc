import { ValidationError } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { compileInputValidator, type InputField } from '../src/index';
import { inputDefinitionIssues } from '../src/input/validate-input';

const fields: Record<string, InputField> = {
  name: { type: 'string', required: true, min: 2, max: 5, pattern: '^[a-z]+$' },
  email: { type: 'email' },
  id: { type: 'uuid' },
  count: { type: 'integer', min: 1, max: 10 },
  price: { type: 'number', min: 0 },
  active: { type: 'boolean' },
  day: { type: 'date', min: '2024-01-01', max: '2024-12-31' },
  tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, max: 2 },
  address: { type: 'object', properties: { city: { type: 'string', required: true }, zip: { type: 'integer' } } },
  size: { type: 'string', enum: ['s', 'm'], default: 's' },
};
const validate = compileInputValidator(fields);

function issues(input: Record<string, unknown>) {
  try {
    validate(input);
  } catch (err) {
    if (err instanceof ValidationError) return err.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('input validation', () => {
  it('accepts valid input and applies defaults', () => {
    expect(
      validate({ name: 'ada', email: 'a@b.co', id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', count: 3, price: 9.5, active: false, day: '2024-02-29T10:00:00Z', tags: ['a'], address: { city: 'Lagos' } }),
    ).toEqual({ name: 'ada', email: 'a@b.co', id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', count: 3, price: 9.5, active: false, day: '2024-02-29T10:00:00Z', tags: ['a'], address: { city: 'Lagos' }, size: 's' });
  });

  it('names every bad field', () => {
    expect(
      issues({ name: 'A', email: 'nope', id: 'x', count: 1.5, price: -1, active: 'yes', day: '2024-02-30', tags: ['a', 'c', 'b'], address: { zip: 'x', extra: 1 }, size: 'xl', other: 1 }),
    ).toEqual([
      'input.name: must be at least 2 characters long, got 1',
      'input.email: must be an email address, got "nope"',
      'input.id: must be a UUID, got "x"',
      'input.count: must be a whole number, got 1.5',
      'input.price: must be at least 0, got -1',
      'input.active: must be true or false, got the string "yes"',
      'input.day: must be an ISO date such as "2024-01-31" or "2024-01-31T09:30:00Z", got the string "2024-02-30"',
      'input.tags: must have at most 2 items, got 3',
      'input.address.city: is required',
      'input.address.zip: must be a whole number, got the string "x"',
      'input.address.extra: is not a known field',
      'input.size: must be one of "s", "m", got "xl"',
      'input.other: is not an input of this feature',
    ]);
    expect(issues({})).toEqual(['input.name: is required']);
    expect(issues({ name: 'abcdef' })).toEqual(['input.name: must be at most 5 characters long, got 6']);
    expect(issues({ name: 'ab1' })).toEqual(['input.name: must match /^[a-z]+$/']);
    expect(issues({ name: 'ab', count: 11, day: '2023-12-31', tags: ['c'] })).toEqual([
      'input.count: must be at most 10, got 11',
      'input.day: must not be before 2024-01-01',
      'input.tags.0: must be one of "a", "b", got "c"',
    ]);
    expect(issues({ name: 'ab', price: Number.NaN, tags: 'a', address: [] })).toEqual([
      'input.price: must be a number, got number NaN',
      'input.tags: must be an array, got the string "a"',
      'input.address: must be an object, got an array',
    ]);
  });

  it('input patterns run on the linear-time engine: adversarial patterns cannot stall a run, back-references are refused at load time', () => {
    const adversarial = compileInputValidator({ name: { type: 'string', pattern: '^(a|a)*$' }, code: { type: 'string', pattern: '(\\w|\\d)*$' } });
    const plain = compileInputValidator({ name: { type: 'string', pattern: '^a*$' }, code: { type: 'string', pattern: '^\\w*$' } });
    const input = { name: `${'a'.repeat(30)}!`, code: `${'a'.repeat(30)}!` };
    const time = (fn: () => unknown) => {
      const start = performance.now();
      for (let i = 0; i < 200; i++) fn();
      return performance.now() - start;
    };
    const attempt = (v: typeof plain) => () => {
      try {
        v(input);
      } catch {
        // refused: name does not match
      }
    };
    time(attempt(adversarial));
    expect(time(attempt(adversarial)) / time(attempt(plain))).toBeLessThan(50);
    expect(() => adversarial(input)).toThrow('input.name: must match /^(a|a)*$/');
    expect(adversarial({ name: 'aaa', code: 'x' })).toEqual({ name: 'aaa', code: 'x' });
    expect(inputDefinitionIssues({ twice: { type: 'string', pattern: '^(\\w)\\1$' } })).toEqual([
      { path: ['twice', 'pattern'], message: `invalid regular expression ${JSON.stringify('^(\\w)\\1$')}: invalid escape sequence: \`\\1\` (back-references are not supported: patterns run on a linear-time engine)` },
    ]);
  });
});
