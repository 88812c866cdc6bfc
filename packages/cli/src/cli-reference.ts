import { GLOBAL_OPTIONS } from './program';
import { COMMANDS, type CommandSpec, type OptionSpec } from './registry';

const cell = (text: string): string => text.replace(/\|/g, '\\|');

function optionRow(option: OptionSpec): string {
  const notes: string[] = [];
  if (option.choices) notes.push(`one of ${option.choices.map((c) => `\`${c}\``).join(', ')}`);
  if (option.repeatable) notes.push('repeatable');
  if (option.default !== undefined) notes.push(`default \`${String(option.default)}\``);
  const what = notes.length ? `${option.description} (${notes.join('; ')})` : option.description;
  return `| \`${cell(option.flags)}\` | ${cell(what)} | ${option.env ? `\`${option.env}\`` : ''} |`;
}

function commandSection(spec: CommandSpec, path: readonly string[], out: string[]): void {
  const here = [...path, spec.name];
  if (spec.subcommands) {
    for (const sub of spec.subcommands) commandSection(sub, here, out);
    return;
  }
  const usage = ['switchyard', ...here, ...(spec.args ?? []), ...(spec.options?.length ? ['[options]'] : [])].join(' ');
  out.push(`## \`switchyard ${here.join(' ')}\``, '', `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`, '', '```', usage, '```', '');
  if (spec.options?.length) out.push('| option | what it does | environment |', '|---|---|---|', ...spec.options.map(optionRow), '');
  if (spec.passThrough) out.push('Options it does not know are handed on unchanged.', '');
  if (spec.examples?.length) out.push('```sh', ...spec.examples.map((e) => `$ ${e}`), '```', '');
}

/**
 * The CLI reference (`docs/cli-reference.md`) as Markdown, generated from the command registry,
 * the one place commands are declared, so it lists exactly what `switchyard --help` does.
 */
export function renderCliReference(commands: readonly CommandSpec[] = COMMANDS): string {
  const out = [
    '<!-- Generated from the command registry (packages/cli/src/registry.ts) by `pnpm docs:generate`. Do not edit by hand. -->',
    '',
    '# `switchyard` command reference',
    '',
    'Install with `npm install -g @switchyard/cli` (or run `npx @switchyard/cli …`). `switchyard <command> --help`',
    'prints the same information.',
    '',
    'Options every command takes:',
    '',
    '| option | what it does | environment |',
    '|---|---|---|',
    ...GLOBAL_OPTIONS.map(optionRow),
    '',
    'Exit codes (every command): `0` success; `1` a check failed (invalid input, a conflict, an unknown flag, refused',
    'credentials, a failed workflow run, differences found by `diff --exit-code`); `2` wrong usage (an unknown option, a',
    'missing file, a `sqlite:` database that does not exist without `--create`); `3` the store or server is unreachable',
    'or failing; `4` an internal error (`--verbose` prints the stack trace).',
    '',
    'Long jobs report progress on stderr (a bar on a terminal, plain lines otherwise); stdout carries only the result.',
    '',
  ];
  for (const spec of commands) commandSection(spec, [], out);
  return `${out.join('\n').trimEnd()}\n`;
}
