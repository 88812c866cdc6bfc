import { existsSync } from 'node:fs';
import path from 'node:path';
import { isStoreUnavailableError } from '@switchyard/core';
import type { CommandContext, CommandInput } from '../context';
import { EXIT, ExitError } from '../exit-error';

/** Options of the CLI itself that the server's own parser does not know. */
const CLI_ONLY = new Set(['--verbose', '--no-color']);

/**
 * `switchyard serve`: the reference server with the same options, environment variables and
 * defaults as apps/server. Resolves once the server has shut down after SIGTERM or SIGINT.
 */
export async function run(ctx: CommandContext, input: CommandInput): Promise<void> {
  const { parseServerConfig, startServer } = await import('@switchyard/server');
  const argv = input.raw.filter((arg) => !CLI_ONLY.has(arg));
  // The repository's example manifests are the default when run from a checkout, as in apps/server.
  const defaults = existsSync(path.join(ctx.io.cwd, 'examples/manifests')) ? { manifests: 'examples/manifests' } : {};
  const parsed = parseServerConfig(argv, ctx.io.env, defaults);
  if (parsed.errors) throw new ExitError(EXIT.USAGE, `invalid server configuration: ${parsed.errors.join('; ')}`);
  let running;
  try {
    const { consoleDistDir } = await import('@switchyard/console');
    running = await startServer(parsed.config, { handleSignals: false, consoleDir: consoleDistDir });
  } catch (err) {
    const unavailable = isStoreUnavailableError(err) || (err instanceof Error && isStoreUnavailableError(err.cause));
    const message = `cannot start the server: ${err instanceof Error ? err.message : String(err)}`;
    // Invalid manifests (StartupError), a port in use and the like are the caller's to fix.
    throw new ExitError(unavailable ? EXIT.BACKEND : EXIT.USER, message, { cause: err });
  }
  const server = running;
  await new Promise<void>((resolve, reject) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      server.close().then(resolve, reject);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
