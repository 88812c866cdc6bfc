import { runCli } from './program';

/** Resolves once everything written to `stream` so far has been handed to the OS (or the reader went away). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    stream.write('', () => resolve());
  });
}

/**
 * Runs the `switchyard` command as a process: the one place that ends it. Commands report failures
 * by throwing and `runCli` maps them to exit codes (0 ok, 1 invalid input, 2 usage error, 3 store or
 * server unreachable). Output to a pipe is written asynchronously, so exiting at once would cut it
 * (at 64 KiB): the process ends only once stdout and stderr have drained.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<never> {
  // A reader that stops early (`switchyard export … | head`) closes the pipe: nothing more to say.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  const code = await runCli(argv);
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}
