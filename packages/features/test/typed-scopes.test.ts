import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { typeErrorsOf } from './type-errors';

const dir = mkdtempSync(path.join(tmpdir(), 'sy-typed-scopes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Code a Flick user writes; the `bad` lines must not compile. */
const USAGE = `import { BaseFeature, createFeatures, type FeatureScopeable } from '@switchyard/features';
class User implements FeatureScopeable { constructor(readonly id: number, readonly isAdmin = false) {} toFeatureIdentifier() { return this.id; } }
class Org implements FeatureScopeable { constructor(readonly slug: string, readonly plan: 'free' | 'pro') {} toFeatureIdentifier() { return this.slug; } }
class NewCheckoutFeature extends BaseFeature<User> { async resolve(user: User) { return user.isAdmin; } }
class OrgBillingFeature extends BaseFeature<Org> { async resolve(org: Org) { return org.plan === 'pro' ? ('stripe' as const) : ('invoice' as const); } }
declare const store: Parameters<typeof createFeatures>[0]['store'];
const features = createFeatures({ store, features: { new_checkout: NewCheckoutFeature, org_billing: OrgBillingFeature } });
export async function ok(): Promise<void> {
  const on: boolean = await features.for(new User(1)).value('new_checkout');
  const billing: 'stripe' | 'invoice' = await features.for(new Org('acme', 'pro')).value('org_billing');
  void [on, billing, await features.for([new User(1), new User(2)]).isActive('new_checkout')];
}
export async function bad(): Promise<void> {
  await features.for(new Org('acme', 'pro')).isActive('new_checkout');
  await features.for(new User(1)).value('org_billing');
  await features.for(null).isActive('new_checkout');
  await features.for([new User(1), new Org('acme', 'free')]).isActive('new_checkout');
}
`;

test('a feature declared for User refuses an Org (and null) at compile time; matching scopes type-check', () => {
  const usage = path.join(dir, 'usage.ts');
  writeFileSync(usage, USAGE);
  const messages = typeErrorsOf(usage);
  expect(messages).toEqual([
    `14: Argument of type '"new_checkout"' is not assignable to parameter of type '"org_billing"'.`,
    `15: Argument of type '"org_billing"' is not assignable to parameter of type '"new_checkout"'.`,
    `16: Argument of type '"new_checkout"' is not assignable to parameter of type 'never'.`,
    `17: Argument of type '"new_checkout"' is not assignable to parameter of type 'never'.`,
  ]);
}, 60_000);
