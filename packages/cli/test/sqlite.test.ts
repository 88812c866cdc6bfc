import { afterAll } from 'vitest';
import { storeCommandSuite } from './store-suite';
import { tempDir } from './run-cli';

const temp = tempDir();
afterAll(() => temp.remove());
let n = 0;

storeCommandSuite('SQLite', async () => `sqlite://${temp.dir}/store-${++n}.db`);
