import { runCli } from '@switchyard/cli';

/** Resolves once everything written to `stream` so far has been handed to the OS (or the reader went away). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    stream.write('', () => resolve());
  });
}

// A reader that stops early (`switchyard export … | head`) closes the pipe: nothing more to say.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

// The only place that ends the process: commands report failures by throwing, runCli maps them to
// codes. Output to a pipe is written asynchronously, so exiting at once would cut it (at 64 KiB):
// the process ends only once stdout and stderr have drained.
const code = await runCli(process.argv.slice(2));
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);
