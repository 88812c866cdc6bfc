import { toText } from '../mapping/evaluate';
import type { Resolved, StepContext } from './context';

/** Publishes the message (JSON unless it is a string) to the environment's broker. */
export async function runPublishStep(fields: Resolved, ctx: StepContext): Promise<Record<string, unknown>> {
  const def = ctx.step.definition;
  if (def.type !== 'publish') throw new Error('not a publish step');
  const broker = await ctx.resources.broker(ctx.env, def.broker);
  const topic = toText(fields.topic);
  const payload = typeof fields.message === 'string' ? fields.message : JSON.stringify(fields.message ?? null);
  const headers: Record<string, string> = {};
  if (fields.headers && typeof fields.headers === 'object') for (const [k, v] of Object.entries(fields.headers)) if (v !== undefined && v !== null) headers[k] = toText(v);
  const receipt = await broker.publish(topic, payload, headers, ctx.signal);
  return { topic, ...receipt };
}
