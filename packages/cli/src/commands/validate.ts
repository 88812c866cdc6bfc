import type { CommandContext, CommandInput } from '../context';
import { EXIT, ExitError } from '../exit-error';
import { loadManifestPaths } from '../input/load-manifest-paths';
import { jsonText } from '../output/format-value';

interface ValidateOptions {
  json?: boolean;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `switchyard validate <path…>`: every error as `file:line:col path: message`; exit 1 on errors. */
export async function run(ctx: CommandContext, input: CommandInput<ValidateOptions>): Promise<void> {
  const { formatDiagnostic } = await import('@switchyard/manifest');
  const result = await loadManifestPaths(input.rest, ctx.io.cwd);
  const valid = result.errors.length === 0;
  if (input.options.json) {
    ctx.print(jsonText({ valid, files: result.files, flags: result.definitions.length, errors: result.errors, warnings: result.warnings }));
  } else {
    const { out } = ctx;
    for (const d of result.errors) ctx.print(formatDiagnostic(d));
    for (const d of result.warnings) ctx.print(`${out.yellow('warning:')} ${formatDiagnostic(d)}`);
    const counts = `${plural(result.files.length, 'file')}, ${plural(result.definitions.length, 'flag')}`;
    if (valid) {
      const warned = result.warnings.length ? ` (${plural(result.warnings.length, 'warning')})` : '';
      ctx.print(`${out.green('✔')} ${counts}: valid${warned}`);
    } else {
      ctx.print(`${out.red('✖')} ${plural(result.errors.length, 'error')}, ${plural(result.warnings.length, 'warning')} in ${counts}`);
    }
  }
  if (!valid) throw new ExitError(EXIT.USER, '');
}
