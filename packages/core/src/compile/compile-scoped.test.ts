import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine/engine';
import { scopeKey } from '../scope/scope-key';
import type { FlagDefinition } from '../types/flag';

const priority: FlagDefinition = {
  key: '/check/priority',
  type: 'number',
  fallbackValue: 0,
  validations: [{ scopes: ['user', 'tenant'] }, { regex: '^\\d+$' }],
  defaultRule: { type: 'static', value: 5 },
};

const values = {
  rootValue: 1,
  scopedValues: {
    [scopeKey({ tenant: 'people' })]: 10,
    [scopeKey({ user: 'alice' })]: 100,
    [scopeKey({ user: 'alice', tenant: 'people' })]: 1000,
    [scopeKey({ user: 'bob' })]: 200,
  },
};

describe('scoped values: precedence', () => {
  const engine = createEngine();
  engine.load({ definitions: [priority], values: { '/check/priority': values } });

  // The documented table: most specific combination first, then single scopes in the declared
  // order (`scopes: [user, tenant]`), then the root value, then the rules, then the fallback.
  it.each([
    [{ user: 'alice', tenant: 'people' }, 1000, 'SCOPED', 'tenant::people##user::alice'],
    [{ user: 'alice', tenant: 'other' }, 100, 'SCOPED', 'user::alice'],
    [{ user: 'bob', tenant: 'people' }, 200, 'SCOPED', 'user::bob'],
    [{ user: 'carol', tenant: 'people' }, 10, 'SCOPED', 'tenant::people'],
    [{ tenant: 'people' }, 10, 'SCOPED', 'tenant::people'],
    [{ user: 'alice' }, 100, 'SCOPED', 'user::alice'],
    [{ user: 'carol', tenant: 'other' }, 1, 'STATIC', '//'],
    [{}, 1, 'STATIC', '//'],
  ])('context %j → %d (%s, scope %s)', (context, value, reason, scope) => {
    expect(engine.evaluate('/check/priority', context)).toMatchObject({ value, reason, metadata: { scope } });
  });

  it('falls through to the rules, then the fallback, when no value is maintained', () => {
    const e = createEngine();
    e.load({ definitions: [priority, { ...priority, key: 'no-rule', defaultRule: undefined }] });
    expect(e.evaluate('/check/priority', { user: 'alice' })).toMatchObject({ value: 5, reason: 'STATIC' });
    expect(e.evaluate('no-rule', { user: 'alice' })).toMatchObject({ value: 0, reason: 'DEFAULT' });
  });

  it('orders single scopes by the declared scopes validation, else user before tenant, then by name', () => {
    const tenantFirst = { ...priority, key: 'tenant-first', validations: [{ scopes: ['tenant', 'user'] }] };
    const undeclared = { ...priority, key: 'undeclared', validations: [] };
    const other = { ...priority, key: 'other-dims', validations: [] };
    const e = createEngine();
    e.load({
      definitions: [tenantFirst, undeclared, other],
      values: {
        'tenant-first': values,
        undeclared: values,
        'other-dims': { scopedValues: { [scopeKey({ region: 'eu' })]: 7, [scopeKey({ company: 'acme' })]: 8 } },
      },
    });
    expect(e.evaluate('tenant-first', { user: 'alice', tenant: 'x' }).value).toBe(100);
    expect(e.evaluate('tenant-first', { user: 'bob', tenant: 'people' }).value).toBe(10);
    expect(e.evaluate('undeclared', { user: 'bob', tenant: 'people' }).value).toBe(200);
    expect(e.evaluate('other-dims', { region: 'eu', company: 'acme' }).value).toBe(8);
  });

  it('uses numbers as strings, ignores empty values and values of the wrong type', () => {
    const e = createEngine();
    e.load({
      definitions: [priority],
      values: { '/check/priority': { rootValue: 'stale', scopedValues: { [scopeKey({ user: '42' })]: 42, [scopeKey({ tenant: 't' })]: 'bad' as never } } },
    });
    expect(e.evaluate('/check/priority', { user: 42 }).value).toBe(42);
    expect(e.evaluate('/check/priority', { user: '' })).toMatchObject({ value: 5, reason: 'STATIC' });
    expect(e.evaluate('/check/priority', { tenant: 't' })).toMatchObject({ value: 5 });
  });

  it('the kill switch and prerequisites still win over maintained values', () => {
    const e = createEngine();
    e.load({
      definitions: [{ ...priority, enabled: false }, { ...priority, key: 'gated', prerequisites: [{ flag: 'gate' }] }, { key: 'gate', type: 'boolean', fallbackValue: false }],
      values: { '/check/priority': values, gated: values },
    });
    expect(e.evaluate('/check/priority', { user: 'alice' })).toMatchObject({ value: 0, reason: 'DISABLED' });
    expect(e.evaluate('gated', { user: 'alice' })).toMatchObject({ value: 0, reason: 'PREREQUISITE_FAILED' });
  });
});
