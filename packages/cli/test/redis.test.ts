import { serviceUrl, uniqueNamespace } from '@switchyard/store-test-suite';
import { describe } from 'vitest';
import { storeCommandSuite } from './store-suite';

const url = await serviceUrl('redis');

describe.skipIf(!url)('Redis', () => {
  storeCommandSuite('Redis', async () => `${url}?prefix=${uniqueNamespace('sy_cli')}:`);
});
