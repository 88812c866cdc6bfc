import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, parseManifest } from '../src/index';

const dir = new URL('./fixtures/broken/', import.meta.url);

/** Every broken manifest and exactly what it reports. */
const expected: Record<string, { definitions: number; errors: string[]; warnings: string[] }> = {
  'duplicate-keys.yaml': {
    definitions: 0,
    errors: [
      'duplicate-keys.yaml:4:3 checkout_page.development: duplicate key "development" (first defined at line 2, column 3)',
      'duplicate-keys.yaml:5:1 checkout_page: duplicate key "checkout_page" (first defined at line 1, column 1)',
    ],
    warnings: [],
  },
  'featuris-acceptance.yaml': {
    definitions: 0,
    errors: [
      'featuris-acceptance.yaml:2:3 wishlist_sharing.staging.source: required',
      'featuris-acceptance.yaml:8:9 wishlist_sharing.staging.values[1]: expected object, got number 42',
    ],
    warnings: [],
  },
  'featuris-mixed-types.yaml': {
    definitions: 0,
    errors: [
      'featuris-mixed-types.yaml:3:3 checkout_page.staging: value "yes" has invalid type string, must be boolean (the flag\'s type, set by checkout_page.development)',
      'featuris-mixed-types.yaml:4:3 checkout_page.production: value "0" has invalid type number, must be boolean (the flag\'s type, set by checkout_page.development)',
      'featuris-mixed-types.yaml:12:9 purchase_button_component.production.values[1].value: value "2" has invalid type number, must be string (the flag\'s type, set by purchase_button_component.development)',
      'featuris-mixed-types.yaml:17:5 banner.production.type: schedule flags serve true or false, but this is a string flag (its type is set by banner.development)',
    ],
    warnings: [],
  },
  'featuris-percentages.yaml': {
    definitions: 0,
    errors: [
      'featuris-percentages.yaml:12:9 purchase_button_component.production.values[2].percentage: percentages sum to 99.5, must be 100',
    ],
    warnings: [],
  },
  'featuris-schedule.yaml': {
    definitions: 0,
    errors: [
      'featuris-schedule.yaml:5:9 display_christmas_banner.production.values[0]: window ends (2017-12-24 23:59:59) before it starts (2017-12-25 00:00:00)',
      'featuris-schedule.yaml:7:9 display_christmas_banner.production.values[1].from: "2017-02-30 00:00:00" is not a date (YYYY-MM-DD HH:mm:ss or ISO 8601)',
      'featuris-schedule.yaml:8:9 display_christmas_banner.production.values[2]: a window needs from, to or both',
      'featuris-schedule.yaml:9:9 display_christmas_banner.production.values[3]: a window needs from, to or both',
    ],
    warnings: [
      'featuris-schedule.yaml:8:9 display_christmas_banner.production.values[2].form: unknown key "form" (ignored)',
    ],
  },
  'featuris-structure.yaml': {
    definitions: 0,
    errors: [
      'featuris-structure.yaml:1:1 not_a_map: expected a map of environment names to values, got boolean true',
      'featuris-structure.yaml:2:1 no_environments: needs at least one environment',
      'featuris-structure.yaml:5:5 unknown_type.production.type: unknown type "percentage", expected one of: static, variant, schedule, acceptance',
      'featuris-structure.yaml:8:3 missing_type.production.type: required, one of: static, variant, schedule, acceptance',
      'featuris-structure.yaml:11:3 empty_environment.production: expected a value or {type: static|variant|schedule|acceptance, …}, got null',
      'featuris-structure.yaml:13:1 ["bad key!"]: must be 1 to 256 letters, digits or _ - . / :',
    ],
    warnings: [],
  },
  'featuris-unterminated-quote.yaml': {
    definitions: 0,
    errors: [
      'featuris-unterminated-quote.yaml:9:1: Missing closing "quote',
    ],
    warnings: [],
  },
  'native-flags.yaml': {
    definitions: 0,
    errors: [
      'native-flags.yaml:3:3 flags.no-fallback.fallback: required',
      'native-flags.yaml:6:5 flags.both-fallbacks.fallback: fallback and fallbackValue are the same setting, keep one',
      'native-flags.yaml:9:5 flags.wrong-type.type: expected one of: "boolean", "string", "number", "object", got "bool"',
      'native-flags.yaml:11:3 flags["has space"]: must be 1 to 256 letters, digits or _ - . / :',
      'native-flags.yaml:15:5 flags.fallback-mismatch.fallback: value "ten" has invalid type string, must be number',
      'native-flags.yaml:19:9 flags.bad-rules.prerequisites[0].flag: a flag cannot be its own prerequisite',
      'native-flags.yaml:24:41 flags.bad-rules.environments.production.rules[0].when.operator: unknown operator "one_of" (known: eq, neq, gt, gte, lt, lte, in, nin, starts_with, ends_with, contains, matches, semver_eq, semver_gt, semver_gte, semver_lt, semver_lte, before, after, in_cidr)',
      'native-flags.yaml:26:55 flags.bad-rules.environments.production.rules[1].when.value: operator in needs a list',
      'native-flags.yaml:28:58 flags.bad-rules.environments.production.rules[2].when.value: invalid regular expression "(unclosed": missing closing ): `(unclosed`',
      'native-flags.yaml:29:13 flags.bad-rules.environments.production.rules[2].serve: value "maybe" has invalid type string, must be boolean',
      'native-flags.yaml:32:9 flags.bad-rules.environments.staging.percentage: must be between 0 and 100',
      'native-flags.yaml:35:9 flags.bad-rules.environments.qa.type: unknown type "coinflip", expected one of: static, variant, rollout, schedule, targeting, acceptance',
      'native-flags.yaml:36:7 flags.bad-rules.environments.development: expected object, got null',
      'native-flags.yaml:40:5 flags.bad-schedule.defaultRule.value: required for string flags (only boolean flags default to true)',
      'native-flags.yaml:42:7 flags.bad-schedule.defaultRule.timezone: unknown time zone "Europe/Atlantis"',
      'native-flags.yaml:52:11 flags.bad-variants.defaultRule.variants[1].name: duplicate variant name "a"',
      'native-flags.yaml:53:11 flags.bad-variants.defaultRule.variants[1].weight: weights sum to 90, must be 100',
      'native-flags.yaml:59:9 flags.bad-validations.validations[0].regex: invalid regular expression "[0-9": missing closing ]: `[0-9`',
      'native-flags.yaml:60:9 flags.bad-validations.validations[1].scopes: needs at least 1 item',
    ],
    warnings: [
      'native-flags.yaml:54:11 flags.bad-variants.defaultRule.variants[1].colour: unknown key "colour" (ignored)',
    ],
  },
  'native-json.json': {
    definitions: 0,
    errors: [
      'native-json.json:14:29 flags.search-ranking.environments.production.variants[3].weight: weights sum to 99.5, must be 100',
      'native-json.json:19:35 flags.layout.fallbackValue: expected string, number, boolean, array or object, got null',
    ],
    warnings: [],
  },
  'native-shape.yaml': {
    definitions: 0,
    errors: [
      'native-shape.yaml:2:1 flags: expected a map of flag keys to definitions, got array',
    ],
    warnings: [],
  },
  'native-unknown-keys.yaml': {
    definitions: 1,
    errors: [],
    warnings: [
      'native-unknown-keys.yaml:2:1 version: unknown key "version" (ignored)',
      'native-unknown-keys.yaml:5:5 flags.checkout.key: "key" cannot be set here, the flag key is the map key (ignored)',
      'native-unknown-keys.yaml:6:5 flags.checkout.flagSet: "flagSet" cannot be set here, the flag set is the file path (ignored)',
      'native-unknown-keys.yaml:8:5 flags.checkout.descripton: unknown key "descripton" (ignored)',
      'native-unknown-keys.yaml:13:9 flags.checkout.environments.production.note: unknown key "note" (ignored)',
    ],
  },
  'native-values.yaml': {
    definitions: 0,
    errors: [
      'native-values.yaml:10:7 flags./check/priority.values.root: value "high" has invalid type string, must be number',
      'native-values.yaml:14:11 flags./check/priority.values.scoped[1].scope: scope tenant::people is already set by scoped[0]',
      'native-values.yaml:16:20 flags./check/priority.values.scoped[2].scope.company: scope key "company" is not allowed, allowed scope keys are user, tenant',
      'native-values.yaml:18:11 flags./check/priority.values.scoped[3].scope: an empty scope is the root value, use root',
      'native-values.yaml:21:11 flags./check/priority.values.scoped[4].value: value "-3" does not match validation regular expression ^\\d+$',
    ],
    warnings: [
      'native-values.yaml:22:7 flags./check/priority.values.rest: unknown key "rest" (ignored)',
    ],
  },
  'native-version.yaml': {
    definitions: 0,
    errors: [
      'native-version.yaml:1:1 switchyard: unsupported format version 2, this reader understands 1',
    ],
    warnings: [],
  },
  'root-list.yaml': {
    definitions: 0,
    errors: [
      'root-list.yaml:1:1: a Featuris manifest maps feature ids to environments, got array',
    ],
    warnings: [],
  },
  'syntax-error.json': {
    definitions: 0,
    errors: [
      'syntax-error.json:6:1: Flow map in block collection must be sufficiently indented and end with a }',
    ],
    warnings: [],
  },
  'syntax-error.yaml': {
    definitions: 0,
    errors: [
      'syntax-error.yaml:2:16: Nested mappings are not allowed in compact mappings',
    ],
    warnings: [],
  },
};

describe('broken manifests', () => {
  it('has an expectation for every fixture', () => {
    expect(readdirSync(dir).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [file, want] of Object.entries(expected)) {
    it(`reports ${file} exactly`, () => {
      const result = parseManifest(readFileSync(new URL(file, dir), 'utf8'), { file });
      expect(result.errors.map(formatDiagnostic)).toEqual(want.errors);
      expect(result.warnings.map(formatDiagnostic)).toEqual(want.warnings);
      expect(result.definitions).toHaveLength(want.definitions);
      for (const d of [...result.errors, ...result.warnings]) {
        expect(d.file).toBe(file);
        expect(d.line).toBeGreaterThan(0);
        expect(d.column).toBeGreaterThan(0);
      }
    });
  }
});
