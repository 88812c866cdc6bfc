// One soak instance in its own process, so its memory is measured apart from the load generator's.
// argv: STORE_URL MANIFESTS. Prints {"url": …} once listening; exits on SIGTERM.
import { createLogger, parseServerConfig, startServer } from '@switchyard/server';

const [storeUrl, manifests] = process.argv.slice(2);
if (!storeUrl || !manifests) throw new Error('usage: soak-server STORE_URL MANIFESTS');
const parsed = parseServerConfig(['--store', storeUrl, '--manifests', manifests, '--no-watch', '--port', '0']);
if (parsed.errors) throw new Error(parsed.errors.join('; '));
const running = await startServer(parsed.config, { handleSignals: false, logger: createLogger('warn', process.stderr), requestLogging: false });
console.log(JSON.stringify({ url: running.url }));
// Between load windows the soak asks for this process's memory after a full collection (run with
// --expose-gc), so heap figures show what is retained, not garbage awaiting collection.
process.on('message', (message) => {
  if (message !== 'memory') return;
  (globalThis as { gc?: () => void }).gc?.();
  process.send?.({ memory: process.memoryUsage() });
});
process.once('SIGTERM', () => {
  void running.close().then(() => process.exit(0));
});
