import type { CliIo } from '../io';

/** Below this many writes an import finishes too quickly for a bar to help. */
export const PROGRESS_THRESHOLD = 25;

export interface Progress {
  update(done: number): void;
  stop(): void;
}

const NONE: Progress = { update: () => undefined, stop: () => undefined };

/** A progress bar on stderr, only on an interactive terminal and only for long jobs. */
export async function progressBar(io: CliIo, total: number, label: string): Promise<Progress> {
  if (total < PROGRESS_THRESHOLD || io.stderr.isTTY !== true || io.env.CI) return NONE;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total}`, stream: io.stderr as NodeJS.WritableStream, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}
