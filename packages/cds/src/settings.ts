import { z } from 'zod';
import { didYouMean } from './did-you-mean';
import { FeatureTogglesConfigError } from './errors';

const roleList = z.array(z.string().min(1, 'role names must not be empty'));

/** The plugin settings of package.json `cds.featureToggles`, exactly as cds-feature-toggles lists them. All are optional. */
export const settingsSchema = z.strictObject({
  /** Path of the toggle configuration file (YAML or JSON), relative to the project root. */
  configFile: z.string().min(1).optional(),
  /** Inline toggle configuration (only recommended for small projects). */
  config: z.record(z.string(), z.unknown()).optional(),
  /** Identifies the shared state: apps with the same unique name share toggle values. Default: the Cloud Foundry app name. */
  uniqueName: z.string().min(1).optional(),
  /** Roles for the read and write endpoints. Default `['system-user']`. */
  serviceAccessRoles: roleList.optional(),
  /** Roles for the read endpoints (state, redisRead); default `serviceAccessRoles`. */
  readAccessRoles: roleList.optional(),
  /** Roles for the write endpoint (redisUpdate); default `serviceAccessRoles`. */
  writeAccessRoles: roleList.optional(),
  /** Roles for the admin endpoint (redisSendCommand); default: nobody. */
  adminAccessRoles: roleList.optional(),
  /** Module exporting `(context, key) => scopeMap`, the scope of CAP feature toggles per request. */
  ftsScopeCallback: z.string().min(1).optional(),
});

export type FeatureTogglesSettings = z.infer<typeof settingsSchema>;

export const SETTING_NAMES = Object.keys(settingsSchema.shape) as (keyof FeatureTogglesSettings)[];

/**
 * Reads `cds.featureToggles` strictly: an unknown setting (a typo) or a value of the wrong type
 * is a `FeatureTogglesConfigError` naming it, never ignored.
 */
export function parseSettings(raw: unknown): FeatureTogglesSettings {
  if (raw === undefined || raw === null) return {};
  const parsed = settingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `cds.featureToggles: unknown setting "${key}"${didYouMean(key, SETTING_NAMES)}; the settings are ${SETTING_NAMES.join(', ')}`);
    }
    const where = issue.path.length ? `cds.featureToggles.${issue.path.map(String).join('.')}` : 'cds.featureToggles';
    return [`${where}: ${issue.message}`];
  });
  throw new FeatureTogglesConfigError(problems);
}
