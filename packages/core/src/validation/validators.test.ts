import { describe, expect, it } from 'vitest';
import type { FlagDefinition } from '../types/flag';
import { validateValue, validateValueAsync } from './validate-value';
import { formatValidatorMessage, moduleValidatorId, registerValidator, validatorMessages, ValidatorRegistry } from './validators';

const moduleChecked: FlagDefinition = {
  key: '/check/priority',
  type: 'number',
  fallbackValue: 0,
  validations: [{ module: '$CONFIG_DIR/validators', call: 'validateTenantScope' }],
  source: { kind: 'manifest', file: '/app/srv/feature/toggles.yaml', line: 3, column: 3 },
};

describe('validator results (cds-feature-toggles shape)', () => {
  it('formats {n} placeholders with errorMessageValues', () => {
    expect(formatValidatorMessage('tenant "{0}" not in {1}; {2} stays', ['dogs', ['people', 'pets']])).toBe('tenant "dogs" not in people,pets; {2} stays');
  });

  it('accepts nothing, a message, a failure object or a list of them', () => {
    expect(validatorMessages(undefined)).toEqual([]);
    expect(validatorMessages('')).toEqual([]);
    expect(validatorMessages('bad')).toEqual(['bad']);
    expect(validatorMessages({ errorMessage: 'x {0}', errorMessageValues: [1] })).toEqual(['x 1']);
    expect(validatorMessages([{ errorMessage: 'a' }, 'b', { errorMessage: '' }])).toEqual(['a', 'b']);
    expect(validatorMessages(true as never)).toEqual(['validator returned boolean; return a message, { errorMessage }, a list of them, or nothing']);
  });
});

describe('module validators', () => {
  it('are looked up under the id of the declaring file, module and export', async () => {
    const calls: unknown[] = [];
    const registry = new ValidatorRegistry().register(moduleValidatorId(moduleChecked, moduleChecked.validations![0] as never), (value, scopeMap) => {
      calls.push([value, scopeMap]);
      return scopeMap?.tenant === 'dogs' ? { errorMessage: 'tenant scope is invalid, only people and pets are allowed: "{0}"', errorMessageValues: ['dogs'] } : undefined;
    });
    expect(await validateValueAsync(moduleChecked, 1, { tenant: 'dogs' }, { validators: registry })).toEqual([
      { path: ['value'], message: 'tenant scope is invalid, only people and pets are allowed: "dogs"' },
    ]);
    expect(await validateValueAsync(moduleChecked, 1, { tenant: 'people' }, { validators: registry })).toEqual([]);
    expect(calls).toEqual([
      [1, { tenant: 'dogs' }],
      [1, { tenant: 'people' }],
    ]);
  });

  it('that were never loaded refuse the value with a precise message', () => {
    expect(validateValue(moduleChecked, 1, undefined, { validators: new ValidatorRegistry() })).toEqual([
      { path: ['value'], message: 'validator module "$CONFIG_DIR/validators" (export "validateTenantScope") is not loaded' },
    ]);
  });
});

describe('registries', () => {
  it('fall back to their parent, and every one to the process-wide registry', () => {
    const fn = () => undefined;
    const name = `global-${Math.random()}`;
    registerValidator(name, fn);
    const parent = new ValidatorRegistry().register('p', fn);
    const child = new ValidatorRegistry(parent);
    expect(child.get('p')).toBe(fn);
    expect(child.names()).toEqual([]);
    expect(validateValue({ key: 'k', type: 'number', fallbackValue: 0, validations: [{ validator: name }] }, 1)).toEqual([]);
  });

  it('refuse names and functions that are not', () => {
    expect(() => new ValidatorRegistry().register('', () => undefined)).toThrow('a validator name must be a non-empty string');
    expect(() => new ValidatorRegistry().register('x', 5 as never)).toThrow('validator "x" must be a function, got number');
  });
});
