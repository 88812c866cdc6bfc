import { createColors } from 'picocolors';

/** A stream the CLI writes to; `process.stdout` fits. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Everything a command may touch of its process, so the CLI can run embedded or in tests. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export type Colors = ReturnType<typeof createColors>;

/**
 * Colour only on a terminal, never when `NO_COLOR` is set (to anything non-empty) or `--no-color`
 * is given; `FORCE_COLOR` (non-empty, not `0`) forces it on a pipe, but `NO_COLOR` still wins.
 */
export function colorEnabled(stream: OutputStream, env: CliIo['env'], flag = true): boolean {
  if (!flag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function colorsFor(stream: OutputStream, env: CliIo['env'], flag = true): Colors {
  return createColors(colorEnabled(stream, env, flag));
}

/** The io of the running process. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
