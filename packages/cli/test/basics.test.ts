import { describe, expect, it } from 'vitest';
import pkg from '../package.json';
import { closedPort, runCli } from './run-cli';

describe('switchyard basics', () => {
  it('prints the version', async () => {
    const r = await runCli(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('lists every command in --help with the exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const name of ['validate', 'eval', 'serve', 'flags', 'values', 'migrate', 'import', 'export', 'diff', 'features']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    expect(r.stdout).toContain(
      'Exit codes (every command): 0 ok, 1 a check failed (invalid input, conflict, unknown flag, failed run, diff --exit-code), 2 usage (bad option, missing file or sqlite: database without --create), 3 store or server unreachable or failing, 4 internal error.',
    );
    expect(r.stdout).not.toContain('\u001b[');
  });

  it.each([
    ['validate'],
    ['eval'],
    ['serve'],
    ['flags', 'list'],
    ['flags', 'get'],
    ['flags', 'set'],
    ['flags', 'enable'],
    ['flags', 'disable'],
    ['flags', 'delete'],
    ['values', 'list'],
    ['values', 'set'],
    ['values', 'clear'],
    ['migrate'],
    ['import'],
    ['export'],
    ['diff'],
    ['features', 'list'],
    ['features', 'purge'],
  ])('shows help with examples for %s %s', async (...command) => {
    const r = await runCli([...command.filter(Boolean), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: switchyard ${command.filter(Boolean).join(' ')}`);
    expect(r.stdout).toMatch(/\nExamples:\n {2}\$ switchyard /);
  });

  it('exits 2 on an unknown command, printing one error line and a hint', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("error: unknown command 'frobnicate'\n(run with --help for usage)\n");
  });

  it('exits 2 on an unknown option and on a missing argument', async () => {
    const unknown = await runCli(['validate', 'x', '--frob']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error: unknown option '--frob'");
    const missing = await runCli(['validate']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error: missing required argument 'path'");
  });

  it('exits 2 with help when a command group is called without a subcommand', async () => {
    const r = await runCli(['flags']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: switchyard flags [options] [command]');
  });

  it('rejects an invalid choice as a usage error', async () => {
    const r = await runCli(['export', '--store', 'memory:', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: option '--format <format>' argument 'xml' is invalid. Allowed choices are yaml, json, flagd.");
  });

  it('colours only when asked to and never with NO_COLOR', async () => {
    const args = ['validate', 'packages/cli/test/fixtures/broken/flags.yaml'];
    const plain = await runCli(args);
    expect(plain.stdout).not.toContain('\u001b[');
    const forced = await runCli(args, { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('\u001b[31m✖\u001b[39m');
    const noColor = await runCli(args, { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(noColor.stdout).not.toContain('\u001b[');
    const flag = await runCli([...args, '--no-color'], { env: { FORCE_COLOR: '1' } });
    expect(flag.stdout).not.toContain('\u001b[');
  });

  it('prints a stack trace only with --verbose', async () => {
    const port = await closedPort();
    const args = ['flags', 'list', '--server', `http://127.0.0.1:${port}/`];
    const quiet = await runCli(args);
    expect(quiet.code).toBe(3);
    expect(quiet.stderr).toBe(`error: cannot reach server http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    const verbose = await runCli([...args, '--verbose']);
    expect(verbose.code).toBe(3);
    expect(verbose.stderr).toMatch(/^error: cannot reach server/);
    expect(verbose.stderr).toMatch(/\n {4}at /);
  });
});
