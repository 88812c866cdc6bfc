import { checkStorageKey } from '../drivers/local-storage';
import { StepFailure } from '../errors';
import { toText } from '../mapping/evaluate';
import type { Resolved, StepContext } from './context';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** put/get/delete one file through a storage driver; content is text (UTF-8) or base64. */
export async function runStorageStep(fields: Resolved, ctx: StepContext): Promise<Record<string, unknown>> {
  const def = ctx.step.definition;
  if (def.type !== 'storage') throw new Error('not a storage step');
  const path = toText(fields.path);
  checkStorageKey(path);
  const driver = await ctx.resources.storage(ctx.env, def.driver);
  const encoding = def.encoding ?? 'text';
  switch (def.action) {
    case 'put': {
      let data: Uint8Array;
      if (encoding === 'base64') {
        const text = toText(fields.content).replace(/\s+/g, '');
        if (!BASE64.test(text)) throw new StepFailure('content is not valid base64');
        data = new Uint8Array(Buffer.from(text, 'base64'));
      } else {
        data = new TextEncoder().encode(typeof fields.content === 'string' ? fields.content : toText(fields.content));
      }
      await driver.put(path, data, ctx.signal);
      return { path, size: data.byteLength };
    }
    case 'get': {
      const data = await driver.get(path, ctx.signal);
      const content = encoding === 'base64' ? Buffer.from(data).toString('base64') : new TextDecoder('utf-8', { fatal: false }).decode(data);
      return { path, size: data.byteLength, content, encoding };
    }
    case 'delete':
      return { path, deleted: await driver.delete(path, ctx.signal) };
  }
}
