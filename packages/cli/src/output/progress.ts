import type { CliIo } from '../io';

/** Below this many steps a job finishes too quickly for a bar to help. */
export const PROGRESS_THRESHOLD = 25;
/** Plain progress lines (stderr not a terminal) are written at most this often. */
export const PROGRESS_LINE_INTERVAL_MS = 1000;

export interface Progress {
  /** `total` changes the expected count, for jobs that learn it as they go (files found in folders). */
  update(done: number, total?: number): void;
  /** Ends the progress output: clears the bar, or writes the final count when lines were written. */
  stop(): void;
}

export interface ProgressOptions {
  /** The operation, first on each line: `import` in `import: 2,000/10,000 flags`. */
  label: string;
  /** What is counted, plural: `flags`, `files`. */
  unit: string;
  /** `--quiet`: no progress output at all. */
  quiet?: boolean;
  /** Milliseconds clock; injectable for tests. Default `Date.now`. */
  now?: () => number;
}

const NONE: Progress = { update: () => undefined, stop: () => undefined };

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * Progress of a long job on stderr: a bar on an interactive terminal; elsewhere (a pipe, a log file,
 * CI) plain lines such as `import: 2,000/10,000 flags`, at most one a second, so a long job is never
 * silent and a log never fills with redraws. Nothing with `quiet`. stdout is never touched: it carries
 * the command's result. A `total` of 0 means "not known yet": lines only, until `update` gives one.
 */
export async function startProgress(io: CliIo, total: number, options: ProgressOptions): Promise<Progress> {
  if (options.quiet) return NONE;
  if (io.stderr.isTTY === true && !io.env.CI) return total < PROGRESS_THRESHOLD ? NONE : progressBar(io, total, options);
  return progressLines(io, total, options);
}

async function progressBar(io: CliIo, total: number, options: ProgressOptions): Promise<Progress> {
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { format: `${options.label} [{bar}] {value}/{total} ${options.unit}`, stream: io.stderr as NodeJS.WritableStream, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update(done, newTotal) {
      if (newTotal !== undefined && newTotal !== total) bar.setTotal((total = newTotal));
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}

function progressLines(io: CliIo, total: number, options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  let last = now();
  let done = 0;
  let written = false;
  let stopped = false;
  const write = () => {
    io.stderr.write(`${options.label}: ${count(done)}/${count(total)} ${options.unit}\n`);
    written = true;
  };
  return {
    update(value, newTotal) {
      if (stopped) return;
      if (newTotal !== undefined) total = newTotal;
      done = Math.min(Math.max(value, done), total);
      const at = now();
      if (at - last < PROGRESS_LINE_INTERVAL_MS) return;
      last = at;
      write();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      // A job that took under a second wrote nothing and needs no closing line.
      if (written) write();
    },
  };
}
