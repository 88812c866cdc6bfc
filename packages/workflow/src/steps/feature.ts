import type { Resolved, StepContext } from './context';

/** Runs another feature with the mapped input; its output is this step's result. */
export function runFeatureStep(fields: Resolved, ctx: StepContext): Promise<unknown> {
  const def = ctx.step.definition;
  if (def.type !== 'feature') throw new Error('not a feature step');
  const input = (fields.input && typeof fields.input === 'object' ? fields.input : {}) as Record<string, unknown>;
  return ctx.runFeature(def.product ?? '', def.feature, input, ctx.signal);
}
