import { z } from 'zod';
import { flagDefinitionSchema, flagValueSchema } from '../schema/definition-schema';
import { scopeMapSchema } from '../schema/scope-schema';
import { strictObject } from '../schema/strict-object';

/** A flag as the native admin API answers it: the stored record and where its definition lives. */
export const flagEntrySchema = z.object({
  definition: flagDefinitionSchema,
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  source: z.enum(['store', 'manifest']),
  readOnly: z.boolean(),
});

/** Booleans in a query string. */
const booleanText = z.enum(['true', 'false', '1', '0']);

/** `GET /api/v1/flags` query. */
export const listFlagsQuerySchema = strictObject({ flagSet: z.string().optional(), includeDisabled: booleanText.optional() });

/** One entry of `POST /api/v1/values`. */
export const valueUpdateSchema = strictObject({
  key: z.string().min(1),
  value: flagValueSchema.nullable(),
  scope: scopeMapSchema.optional(),
  clearSubScopes: z.boolean().optional(),
  remoteOnly: z.boolean().optional(),
  expectedVersion: z.number().int().min(0).optional(),
});

/** `POST /api/v1/values` body: applied all or nothing. */
export const updateValuesBodySchema = strictObject({ updates: z.array(valueUpdateSchema).min(1) });

/** `POST /api/v1/evaluate` body. */
export const evaluateBodySchema = strictObject({
  context: z.record(z.string(), z.unknown()).optional(),
  environment: z.string().min(1).optional(),
  flags: z.array(z.string()).optional(),
});

/** `GET /api/v1/audit` query. */
export const auditQuerySchema = strictObject({
  key: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  beforeId: z.coerce.number().int().min(1).optional(),
});

/** `POST /api/v1/features/purge` body: all features, the listed ones, or all but `except`. */
export const purgeFeaturesBodySchema = strictObject({ features: z.array(z.string()).optional(), except: z.array(z.string()).optional() });

/** `GET /api/v1/whoami` answer. */
export const whoamiSchema = z.object({ id: z.string(), role: z.string(), via: z.string() });
