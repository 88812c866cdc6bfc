import path from 'node:path';
import type { CommandContext, CommandInput } from '../context';
import { EXIT, ExitError, usageError } from '../exit-error';
import { loadManifestPaths } from '../input/load-manifest-paths';
import { jsonText } from '../output/format-value';

interface ValidateOptions {
  json?: boolean;
  config?: string;
}

/** `SWITCHYARD_PIVOTAL_TOKEN` and the like configure acceptance sources without a config file. */
const SOURCE_TOKEN = /^SWITCHYARD_[A-Z0-9_]+_TOKEN$/;

/**
 * The acceptance sources the server would have (from `--config` / `SWITCHYARD_CONFIG` and the
 * environment): acceptance flags naming another source are warned about.
 */
async function configuredSources(ctx: CommandContext, config: string | undefined): Promise<string[]> {
  if (config === undefined && !Object.keys(ctx.io.env).some((k) => SOURCE_TOKEN.test(k) && ctx.io.env[k])) return [];
  const { acceptanceSourceNames } = await import('@switchyard/server');
  const found = acceptanceSourceNames(ctx.io.env, config === undefined ? undefined : path.resolve(ctx.io.cwd, config));
  if (found.errors) throw usageError(`invalid server configuration: ${found.errors.join('; ')}`);
  return found.names;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * `switchyard validate <path…>`: every error as `file:line:col path: message`; exit 1 on errors.
 * Warnings (exit 0) include each acceptance flag whose source is not configured.
 */
export async function run(ctx: CommandContext, input: CommandInput<ValidateOptions>): Promise<void> {
  const { diagnosticJson, renderDiagnostics } = await import('@switchyard/manifest');
  const acceptanceSources = await configuredSources(ctx, input.options.config);
  // The number of files is known only once each folder is listed.
  const progress = input.options.json ? undefined : await ctx.progress(0, 'validate', 'files');
  let result;
  try {
    result = await loadManifestPaths(input.rest, ctx.io.cwd, { acceptanceSources, onProgress: (done, total) => progress?.update(done, total) });
  } finally {
    progress?.stop();
  }
  const valid = result.errors.length === 0;
  if (input.options.json) {
    ctx.print(jsonText({ valid, files: result.files, flags: result.definitions.length, errors: result.errors.map(diagnosticJson), warnings: result.warnings.map(diagnosticJson) }));
  } else {
    const { out } = ctx;
    for (const line of renderDiagnostics(result.errors)) ctx.print(line);
    for (const line of renderDiagnostics(result.warnings, { warningPrefix: out.yellow('warning:') })) ctx.print(line);
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
