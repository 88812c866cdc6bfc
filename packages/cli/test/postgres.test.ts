import { serviceUrl, uniqueNamespace } from '@switchyard/store-test-suite';
import { describe } from 'vitest';
import { storeCommandSuite } from './store-suite';

const url = await serviceUrl('postgres');

describe.skipIf(!url)('PostgreSQL', () => {
  storeCommandSuite('PostgreSQL', async () => `${url}?schema=${uniqueNamespace('sy_cli')}`);
});
