import { z } from 'zod';
import type { ValueUpdate } from '@switchyard/core';
import { didYouMean } from './did-you-mean';

const entrySchema = z.strictObject({
  key: z.string().min(1),
  value: z.union([z.boolean(), z.number(), z.string(), z.null()]),
  scope: z.record(z.string(), z.string()).optional(),
  options: z.strictObject({ clearSubScopes: z.boolean().optional(), remoteOnly: z.boolean().optional() }).optional(),
});
const ENTRY_FIELDS = ['key', 'value', 'scope', 'options'];
const OPTION_FIELDS = ['clearSubScopes', 'remoteOnly'];

/** A `redisUpdate` body: one change or a non-empty list of them, each `{ key, value, scope?, options? }`. */
export function parseUpdateBody(data: unknown): { updates: ValueUpdate[] } | { errors: string[] } {
  const list = Array.isArray(data) ? data : [data];
  if (list.length === 0) return { errors: ['the body must be a change { key, value, scope?, options? } or a non-empty list of them'] };
  const errors: string[] = [];
  const updates: ValueUpdate[] = [];
  list.forEach((entry, i) => {
    const at = Array.isArray(data) ? `[${i}]` : 'body';
    const parsed = entrySchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const where = [at, ...issue.path.map(String)].join('.');
        if (issue.code === 'unrecognized_keys') {
          const fields = issue.path.length ? OPTION_FIELDS : ENTRY_FIELDS;
          for (const k of issue.keys) errors.push(`${where}: unknown field "${k}"${didYouMean(k, fields)}`);
        } else errors.push(`${where}: ${issue.message}`);
      }
      return;
    }
    const u = parsed.data;
    updates.push({
      key: u.key,
      value: u.value,
      ...(u.scope && Object.keys(u.scope).length ? { scope: u.scope } : {}),
      ...(u.options?.clearSubScopes ? { clearSubScopes: true } : {}),
      ...(u.options?.remoteOnly ? { remoteOnly: true } : {}),
    });
  });
  return errors.length ? { errors } : { updates };
}
