import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCliReference } from '../src/cli-reference';
import { SERVER_OPTIONS } from '@switchyard/server';
import { COMMANDS, type CommandSpec } from '../src/registry';

const page = readFileSync(new URL('../../../docs/cli-reference.md', import.meta.url), 'utf8');

function leafNames(specs: readonly CommandSpec[], path: string[] = []): string[] {
  return specs.flatMap((s) => (s.subcommands ? leafNames(s.subcommands, [...path, s.name]) : [[...path, s.name].join(' ')]));
}

describe('docs/cli-reference.md', () => {
  it('is what the command registry generates (run `pnpm docs:generate` after changing a command)', () => {
    expect(page).toBe(renderCliReference());
  });

  it('has a section for every command, with each of its options', () => {
    for (const name of leafNames(COMMANDS)) expect(page).toContain(`## \`switchyard ${name}\``);
    const options = COMMANDS.flatMap(function all(s): string[] {
      return s.subcommands ? s.subcommands.flatMap(all) : (s.options ?? []).map((o) => o.flags);
    });
    for (const flags of options) expect(page).toContain(`| \`${flags}\` |`);
  });

  it('documents every option of the server under `switchyard serve`', () => {
    const serve = COMMANDS.find((c) => c.name === 'serve')!;
    const declared = (serve.options ?? []).map((o) => o.flags);
    const missing = Object.keys(SERVER_OPTIONS).filter((name) => !declared.some((flags) => new RegExp(`--${name}\\b`).test(flags)));
    expect(missing).toEqual([]);
  });
});
