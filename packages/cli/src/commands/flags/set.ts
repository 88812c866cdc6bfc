import { isValidationError } from '@switchyard/core';
import type { FlagDefinition, FlagType } from '@switchyard/core';
import { formatPath } from '@switchyard/core';
import { withBackend, type BackendOptions } from '../../backend/open-backend';
import type { CommandContext, CommandInput } from '../../context';
import { EXIT, ExitError, usageError } from '../../exit-error';
import { parseFlagValue } from '../../input/parse-flag-value';
import { parseVersion } from '../../input/parse-pairs';
import { readDefinitionFile } from '../../input/read-definition-file';
import { printWritten } from './show-flag';

interface SetOptions extends BackendOptions {
  file?: string;
  type?: FlagType;
  fallback?: string;
  description?: string;
  flagSet?: string;
  tag?: string[];
  expectVersion?: string;
  actor?: string;
  json?: boolean;
}

const INLINE = ['type', 'fallback', 'description', 'flagSet', 'tag'] as const;

/** Applies inline options to the current definition, or builds a new one from them. */
function inlineDefinition(key: string, current: FlagDefinition | undefined, options: SetOptions): FlagDefinition {
  if (!current && (options.type === undefined || options.fallback === undefined)) {
    throw usageError(`flag "${key}" does not exist yet: give --type and --fallback (or --file)`);
  }
  const type = options.type ?? current!.type;
  if (current && options.type !== undefined && options.type !== current.type && options.fallback === undefined) {
    throw usageError(`changing the type of "${key}" from ${current.type} to ${options.type} needs a new --fallback`);
  }
  const next: FlagDefinition = current ? { ...current, type } : { key, type, fallbackValue: false };
  if (options.fallback !== undefined) next.fallbackValue = parseFlagValue(options.fallback, type, '--fallback');
  if (options.description !== undefined) next.description = options.description;
  if (options.flagSet !== undefined) next.flagSet = options.flagSet;
  if (options.tag !== undefined) next.tags = options.tag;
  delete next.source;
  return next;
}

/** `switchyard flags set <key>`: create or replace a definition, optionally against an expected version. */
export async function run(ctx: CommandContext, input: CommandInput<SetOptions>): Promise<void> {
  const key = input.args[0]!;
  const { options } = input;
  const inline = INLINE.filter((name) => options[name] !== undefined);
  if (options.file !== undefined && inline.length) throw usageError(`--file cannot be combined with ${inline.map((n) => `--${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`);
  if (options.file === undefined && !inline.length) throw usageError('give --file PATH or at least one of --type, --fallback, --description, --flag-set, --tag');
  const expectedVersion = parseVersion(options.expectVersion);
  const fromFile = options.file === undefined ? undefined : await readDefinitionFile(options.file, ctx.io.cwd, key);
  await withBackend(ctx, input, async (backend) => {
    let definition: FlagDefinition;
    if (fromFile) {
      definition = fromFile as unknown as FlagDefinition;
    } else {
      const current = await backend.getFlag(key);
      if (current?.readOnly) throw new ExitError(EXIT.USER, `flag "${key}" is defined by a manifest on the server and cannot be changed here`);
      definition = inlineDefinition(key, current?.definition, options);
    }
    try {
      const flag = await backend.upsertFlag(definition, { expectedVersion, actor: options.actor });
      printWritten(ctx, options.json, flag, flag.version === 1 ? 'created' : 'updated');
    } catch (err) {
      if (isValidationError(err) && options.file !== undefined && err.issues.length) {
        for (const issue of err.issues) ctx.note(`${options.file}: ${issue.path.length ? `${formatPath(issue.path)}: ` : ''}${issue.message}`);
        throw new ExitError(EXIT.USER, `${options.file} is not a valid flag definition (${err.issues.length} problem${err.issues.length === 1 ? '' : 's'})`);
      }
      throw err;
    }
  });
}
