import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

const M = ['--manifests', 'examples/manifests'];

describe('switchyard eval', () => {
  it('shows value, variant and reason as a table', async () => {
    const r = await runCli(['eval', 'new-checkout', ...M, '--env', 'production', '-c', 'country=DE', '-c', 'age=30', '-c', 'plan=pro']);
    expect(r).toEqual({ code: 0, stdout: 'FLAG          VALUE  VARIANT  REASON\nnew-checkout  true   -        TARGETING_MATCH\n', stderr: '' });
  });

  it('parses numbers in --context: age=17 misses "gte 18", age=18 matches', async () => {
    const args = (age: string) => ['eval', 'new-checkout', ...M, '--env', 'production', '-c', 'country=US', '-c', `age=${age}`, '-c', 'plan=pro', '--json'];
    expect(JSON.parse((await runCli(args('17'))).stdout)).toMatchObject({ key: 'new-checkout', value: false, reason: 'STATIC' });
    const adult = await runCli(['eval', 'new-checkout', ...M, '--env', 'production', '-c', 'country=DE', '-c', 'age=18', '-c', 'plan=pro', '--json']);
    expect(JSON.parse(adult.stdout)).toMatchObject({ key: 'new-checkout', value: true, reason: 'TARGETING_MATCH' });
  });

  it('takes the context as JSON, with --context entries overriding it', async () => {
    const r = await runCli(['eval', 'checkout-currency', ...M, '--env', 'production', '--context-json', '{"country":"US"}', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ value: 'USD', reason: 'TARGETING_MATCH' });
    const overridden = await runCli(['eval', 'checkout-currency', ...M, '--env', 'production', '--context-json', '{"country":"US"}', '-c', 'country=GB', '--json']);
    expect(JSON.parse(overridden.stdout)).toMatchObject({ value: 'GBP' });
  });

  it('gives sticky variants for the same targeting key', async () => {
    const args = ['eval', 'search-ranking', ...M, '--env', 'production', '-c', 'targetingKey=user-42', '--json'];
    const first = JSON.parse((await runCli(args)).stdout);
    const second = JSON.parse((await runCli(args)).stdout);
    expect(first.reason).toBe('SPLIT');
    expect(['a', 'b', 'c', 'd']).toContain(first.value);
    expect(second).toEqual(first);
  });

  it('evaluates every flag with --all, errors included', async () => {
    const r = await runCli(['eval', '--all', ...M, '--env', 'production', '--json']);
    expect(r.code).toBe(0);
    const results = JSON.parse(r.stdout) as { key: string; reason: string; errorCode?: string }[];
    expect(results).toHaveLength(16);
    expect(results.find((x) => x.key === 'pricing-page-layout')).toMatchObject({ reason: 'ERROR', errorCode: 'INVALID_CONTEXT' });
    const table = await runCli(['eval', '--all', ...M, '--env', 'production']);
    expect(table.stdout.split('\n')[0]).toMatch(/^FLAG +VALUE +VARIANT +REASON +ERROR$/);
  });

  it('reads the manifests from SWITCHYARD_MANIFESTS', async () => {
    const r = await runCli(['eval', 'checkout-max-items', '--json'], { env: { SWITCHYARD_MANIFESTS: 'examples/manifests' } });
    expect(JSON.parse(r.stdout)).toMatchObject({ value: 100, reason: 'STATIC' });
  });

  it('exits 1 for an unknown flag, still printing the result with --json', async () => {
    const r = await runCli(['eval', 'nope', ...M, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ key: 'nope', reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    expect(r.stderr).toBe('error: flag "nope" not found\n');
  });

  it('exits 1 when the manifests have errors', async () => {
    const r = await runCli(['eval', 'x', '--manifests', 'packages/cli/test/fixtures/broken']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('error: packages/cli/test/fixtures/broken has 7 manifest errors; run switchyard validate packages/cli/test/fixtures/broken');
  });

  it.each([
    [['eval', 'new-checkout'], 'error: nothing to evaluate against: pass --manifests DIR, --store URL or --server URL (or set SWITCHYARD_MANIFESTS)\n'],
    [['eval', ...M], 'error: give a flag key to evaluate, or --all\n'],
    [['eval', 'a', '--all', ...M], 'error: give a flag key or --all, not both\n'],
    [['eval', 'a', ...M, '-c', 'country'], 'error: --context expects key=value, got "country"\n'],
    [['eval', 'a', ...M, '--context-json', '[1]'], 'error: --context-json must be a JSON object\n'],
  ])('exits 2 on usage mistakes: %j', async (args, stderr) => {
    expect(await runCli(args)).toEqual({ code: 2, stdout: '', stderr });
  });
});
