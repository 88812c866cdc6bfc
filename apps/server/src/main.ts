import { existsSync } from 'node:fs';
import { consoleDistDir } from '@switchyard/console';
import { parseServerConfig, startServer, StartupError } from '@switchyard/server';

const USAGE = `Usage: switchyard-server [options]

  -p, --port PORT        port to listen on (PORT, default 3000)
      --host HOST        address to listen on (HOST, default 127.0.0.1)
  -m, --manifests DIR    manifest directory (SWITCHYARD_MANIFESTS or DEFAULT_DATA_SOURCE;
                         default ./examples/manifests when it exists)
  -s, --store URL        store URL (SWITCHYARD_STORE, default sqlite:./data/switchyard.db)
  -e, --env NAME         default environment (SWITCHYARD_ENV or NODE_ENV; default: all)
  -c, --config FILE      JSON or YAML configuration file (SWITCHYARD_CONFIG)
      --insecure         allow a non-loopback address without credentials
      --allowed-host H   host name served besides localhost without credentials
                         (SWITCHYARD_ALLOWED_HOSTS, comma list; others get 421)
      --log-level LEVEL  fatal, error, warn, info, debug, trace or silent
      --body-limit BYTES largest accepted request body (default 1048576)
      --no-watch         do not reload manifests when files change
  -w, --workflows DIR    feature workflows served at /v1/features/run (SWITCHYARD_WORKFLOWS)
      --cors-origin O    browser origin allowed to call the API cross-origin
                         (SWITCHYARD_CORS_ORIGINS, comma list; repeatable)

Credentials: SWITCHYARD_API_KEYS="key1:admin,key2:read", FLAGS_API_KEY, FLAGS_USERNAME/FLAGS_PASSWORD,
FLAGS_JWT_SECRET or FLAGS_JWKS_URL (+ FLAGS_JWT_ISSUER, FLAGS_JWT_AUDIENCE). API keys need at least 16
characters and JWT secrets 32 bytes (SWITCHYARD_ALLOW_WEAK_KEYS=1 for tests and demos).`;

// `pnpm start -- --port 8080` passes the `--` separator through.
const argv = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}

// The repository's example manifests are the embedded default when run from a checkout.
const defaults = existsSync('examples/manifests') ? { manifests: 'examples/manifests' } : {};
const parsed = parseServerConfig(argv, process.env, defaults);
if (parsed.errors) {
  console.error(`switchyard-server: invalid configuration: ${parsed.errors.join('; ')}`);
  process.exit(2);
}

startServer(parsed.config, { consoleDir: consoleDistDir, handleSignals: false }).then(
  (running) => {
    // This entrypoint is the one place that ends the process: after a clean shutdown, 0.
    const stop = () => {
      running.close().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(`switchyard-server: shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (err: unknown) => {
    const message = err instanceof StartupError || err instanceof Error ? err.message : String(err);
    console.error(`switchyard-server: cannot start: ${message}`);
    process.exit(1);
  },
);
