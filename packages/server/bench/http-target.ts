// The servers under test for http.bench.ts, in their own process so the load generator does not
// share their event loop: Switchyard (memory store, example manifests, access logs at warn) and a
// bare express JSON route, plus Switchyard requiring an API key. Prints the URLs as one JSON line.
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createLogger, parseServerConfig, startServer } from '../src/index';

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/manifests');
const parsed = parseServerConfig(['--port', '0', '--store', 'memory:', '--manifests', examples, '--no-watch', '--log-level', 'warn'], {});
if (parsed.errors) throw new Error(parsed.errors.join('; '));
const running = await startServer(parsed.config, { logger: createLogger('warn', process.stderr), handleSignals: false });
// The same server with an API key required, to show what authentication adds per request.
const keyed = parseServerConfig(['--port', '0', '--store', 'memory:', '--manifests', examples, '--no-watch', '--log-level', 'warn'], { SWITCHYARD_API_KEYS: 'bench-key-0123456789:read' });
if (keyed.errors) throw new Error(keyed.errors.join('; '));
const runningKeyed = await startServer(keyed.config, { logger: createLogger('warn', process.stderr), handleSignals: false });

const bare = express();
bare.use(express.json());
bare.post('/bare', (_req, res) => {
  res.json({ key: 'new-checkout', value: true, reason: 'TARGETING_MATCH', metadata: { flagSet: 'checkout', rule: 'staff' } });
});
const bareServer = bare.listen(0, '127.0.0.1');
await new Promise((resolve) => bareServer.once('listening', resolve));

console.log(JSON.stringify({ switchyard: running.url, keyed: runningKeyed.url, bare: `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}` }));
process.on('SIGTERM', () => {
  bareServer.close();
  void Promise.all([running.close(), runningKeyed.close()]).then(() => process.exit(0));
});
