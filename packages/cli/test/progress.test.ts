import { describe, expect, it } from 'vitest';
import type { CliIo } from '../src/io';
import { PROGRESS_LINE_INTERVAL_MS, startProgress } from '../src/output/progress';

/** A CLI io whose stderr is a pipe (not a terminal) recording what is written. */
function pipeIo(env: Record<string, string> = {}): { io: CliIo; lines: () => string[] } {
  let text = '';
  const sink = { write: (chunk: string) => (text += chunk), isTTY: false };
  return { io: { stdout: { write: () => true }, stderr: sink, env, cwd: '/' }, lines: () => text.split('\n').filter(Boolean) };
}

describe('progress on a pipe', () => {
  it('writes plain count lines at most once a second and a closing line', async () => {
    const { io, lines } = pipeIo();
    let now = 0;
    const progress = await startProgress(io, 10_000, { label: 'import', unit: 'flags', now: () => now });
    for (let done = 1; done <= 10_000; done++) {
      now = done; // one millisecond a write: ten seconds in all
      progress.update(done);
    }
    progress.stop();
    const written = lines();
    expect(written[0]).toBe('import: 1,000/10,000 flags');
    expect(written).toHaveLength(11);
    expect(written.at(-2)).toBe('import: 10,000/10,000 flags');
    expect(written.at(-1)).toBe('import: 10,000/10,000 flags');
    for (const line of written) expect(line).toMatch(/^import: [\d,]+\/10,000 flags$/);
  });

  it('says nothing for a job that ends within a second', async () => {
    const { io, lines } = pipeIo();
    let now = 0;
    const progress = await startProgress(io, 500, { label: 'import', unit: 'flags', now: () => now });
    for (let done = 1; done <= 500; done++) {
      now = done;
      progress.update(done);
    }
    progress.stop();
    expect(lines()).toEqual([]);
  });

  it('follows a total learned on the way, and reports where a failed job stopped', async () => {
    const { io, lines } = pipeIo();
    let now = 0;
    const progress = await startProgress(io, 0, { label: 'validate', unit: 'files', now: () => now });
    progress.update(0, 40);
    now = PROGRESS_LINE_INTERVAL_MS;
    progress.update(12, 40);
    now += PROGRESS_LINE_INTERVAL_MS;
    progress.update(20, 90);
    progress.stop();
    progress.update(90);
    expect(lines()).toEqual(['validate: 12/40 files', 'validate: 20/90 files', 'validate: 20/90 files']);
  });

  it('writes nothing with quiet', async () => {
    const { io, lines } = pipeIo();
    let now = 0;
    const progress = await startProgress(io, 100, { label: 'import', unit: 'flags', quiet: true, now: () => now });
    for (let done = 1; done <= 100; done++) {
      now += PROGRESS_LINE_INTERVAL_MS;
      progress.update(done);
    }
    progress.stop();
    expect(lines()).toEqual([]);
  });

  it('uses lines, not a bar, under CI even on a terminal', async () => {
    const { io, lines } = pipeIo({ CI: 'true' });
    (io.stderr as { isTTY: boolean }).isTTY = true;
    let now = 0;
    const progress = await startProgress(io, 100, { label: 'import', unit: 'flags', now: () => now });
    now = PROGRESS_LINE_INTERVAL_MS;
    progress.update(50);
    progress.stop();
    expect(lines()).toEqual(['import: 50/100 flags', 'import: 50/100 flags']);
  });
});
