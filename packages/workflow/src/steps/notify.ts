import type { MailReceipt } from '../drivers/types';
import { StepFailure } from '../errors';
import { toText } from '../mapping/evaluate';
import type { Resolved, StepContext } from './context';
import { sendHttp, stepUrl, type HttpResult } from './http';

/** A webhook POST (JSON, through the run's origin guard) or an email through the environment's mailer. */
export async function runNotifyStep(fields: Resolved, ctx: StepContext): Promise<HttpResult | MailReceipt> {
  const def = ctx.step.definition;
  if (def.type !== 'notify') throw new Error('not a notify step');
  if (def.channel === 'webhook') {
    return sendHttp({ method: 'POST', url: stepUrl(ctx, def.base), headers: fields.headers, body: fields.body ?? {} }, ctx);
  }
  const mailer = await ctx.resources.mailer(ctx.env, def.mailer);
  const list = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(toText).filter(Boolean) : [toText(v)].filter(Boolean));
  const to = list(fields.to);
  if (to.length === 0) throw new StepFailure('the email has no recipient: "to" resolved to nothing');
  const receipt = await mailer.send(
    {
      from: toText(fields.from),
      to,
      cc: list(fields.cc),
      bcc: list(fields.bcc),
      subject: toText(fields.subject),
      ...(fields.text !== undefined ? { text: toText(fields.text) } : {}),
      ...(fields.html !== undefined ? { html: toText(fields.html) } : {}),
    },
    ctx.signal,
  );
  if (receipt.accepted.length === 0) throw new StepFailure(`the SMTP server accepted no recipient (rejected: ${receipt.rejected.join(', ')})`);
  return receipt;
}
