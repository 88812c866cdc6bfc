import { z } from 'zod';
import { scopeMapProblems } from '../scope/scope-key';
import type { ScopeMap } from '../types/flag';

/**
 * A scope map (`{tenant: "acme", user: "alice"}`) in a request body. The keys are checked on the
 * raw input before zod builds the record: zod skips an own `__proto__` key without a word, which
 * would turn a scoped write into a root (global) one. Reserved names, keys outside the grammar,
 * empty values and more than four keys are issues (422).
 */
export const scopeMapSchema: z.ZodType<ScopeMap> = z
  .unknown()
  .superRefine((value, ctx) => {
    for (const message of scopeMapProblems(value)) ctx.addIssue({ code: 'custom', message });
  })
  .pipe(z.record(z.string(), z.string()));
