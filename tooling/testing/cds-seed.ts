/**
 * The validator module of the cds-feature-toggles example, verbatim (CommonJS, as in the seed):
 * the cds plugin, the server and manifest loading are each tested against this same module.
 */
export const SEED_VALIDATORS = `"use strict";

const TENANT_SCOPE_REGEX = /^(people|pets)$/;

const validateTenantScope = (newValue, scopeMap) => {
  const tenant = scopeMap?.tenant;
  if (tenant && !TENANT_SCOPE_REGEX.test(tenant)) {
    return {
      errorMessage: 'tenant scope is invalid, only people and pets are allowed: "{0}"',
      errorMessageValues: [tenant],
    };
  }
};

module.exports = {
  validateTenantScope,
};
`;

/** The seed's example requests "check 1", "check 2" and "check 3": a root value, then a tenant's, then a user's. */
export const SEED_CHECK_UPDATES = [
  { key: '/check/priority', value: 1 },
  { key: '/check/priority', value: 10, scope: { tenant: 'people' } },
  { key: '/check/priority', value: 100, scope: { user: 'alice@wonderland.com' } },
];

/** The maintained values of `/check/priority` in the seed's state example. */
export const SEED_SCOPED_VALUES = { 'tenant::people': 10, 'user::alice@wonderland.com': 100 };

/** The seed's `/check/priority` toggle (cds-feature-toggles' YAML, at the start of the line). */
export const SEED_PRIORITY_TOGGLE = `/check/priority:
  type: number
  fallbackValue: 0
  validations:
    - scopes: [user, tenant]
    - regex: '^\\d+$'
    - { module: "$CONFIG_DIR/validators", call: validateTenantScope }
`;

/** The seed's `/memory/logInterval` toggle. */
export const SEED_LOG_INTERVAL_TOGGLE = `/memory/logInterval:
  type: number
  fallbackValue: 0
  validations:
    - regex: '^\\d+$'
`;

/** `yaml` with every non-empty line indented by `spaces`: a toggle nested under a manifest's `flags:`. */
export function indentYaml(yaml: string, spaces: number): string {
  return yaml.replace(/^(?=.)/gm, ' '.repeat(spaces));
}
