import type { QueryResult } from '../drivers/types';
import type { Resolved, StepContext } from './context';

/** Runs the step's SQL with its mapped params as bound parameters: values never become SQL text. */
export async function runDatabaseStep(fields: Resolved, ctx: StepContext): Promise<QueryResult> {
  const def = ctx.step.definition;
  if (def.type !== 'database') throw new Error('not a database step');
  const driver = await ctx.resources.database(ctx.env, def.connection);
  const params = Array.isArray(fields.params) ? fields.params : [];
  return driver.query(def.sql, params, ctx.signal);
}
