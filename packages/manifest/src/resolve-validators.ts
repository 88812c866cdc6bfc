import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { moduleValidatorId, scopeKey, parseScopeKey, validateValueAsync, type FlagDefinition, type MaintainedValues, type ValidatorRegistry, type ValueValidator } from '@switchyard/core';
import { compareDiagnostics, formatDocumentPath, type Diagnostic } from './diagnostic';

export interface ResolveValidatorsOptions {
  /**
   * Where loaded module validators are registered (under `moduleValidatorId`), and where named
   * validators (`{ validator: name }`) must be found (a registry falls back to `registerValidator`'s).
   */
  registry: ValidatorRegistry;
  /** Folder `source.file` of the definitions is relative to (the manifest directory). Default: the working directory. */
  baseDir?: string;
  /** Seeded values (manifest `values:`) to check with the custom validators once they are loaded. */
  values?: Readonly<Record<string, MaintainedValues>>;
}

/** Extensions tried, in order, for a module path written without one (`$CONFIG_DIR/validators`). */
const EXTENSIONS = ['.js', '.cjs', '.mjs', '.json', '.ts', '.cts', '.mts'];

/**
 * Loads the custom validators definitions refer to and checks the named ones exist, so a typo
 * stops a start instead of refusing every write later:
 *
 * - `{ module, call }` (cds-feature-toggles): `module` is resolved relative to the file that
 *   declares the flag; `$CONFIG_DIR` stands for that file's folder; a bare name is a package
 *   resolved from there. `call` names the export; without it the module's default export is the
 *   validator. The function is registered in `registry` under `moduleValidatorId`.
 * - `{ validator: name }`: `name` must be registered (`registerValidator` or the registry).
 *
 * Then seeded values are checked with the validators. Returns one error diagnostic per problem,
 * naming the flag and the file position of its definition; an empty list when all is well.
 */
export async function resolveValidators(definitions: readonly FlagDefinition[], options: ResolveValidatorsOptions): Promise<Diagnostic[]> {
  const baseDir = options.baseDir ?? process.cwd();
  const problems: Diagnostic[] = [];
  const loaded = new Map<string, Promise<ValueValidator | string>>();
  for (const definition of definitions) {
    const report = (index: number, message: string) => problems.push(diagnosticAt(definition, ['validations', index], message));
    const validations = definition.validations ?? [];
    for (let i = 0; i < validations.length; i++) {
      const v = validations[i]!;
      if ('validator' in v) {
        if (!options.registry.has(v.validator)) {
          report(i, `flag "${definition.key}": validator "${v.validator}" is not registered; register it with registerValidator("${v.validator}", fn) before the server starts`);
        }
      } else if ('module' in v) {
        const configFile = definition.source?.file === undefined ? undefined : path.resolve(baseDir, definition.source.file);
        const configDir = configFile ? path.dirname(configFile) : baseDir;
        const cacheKey = `${configDir}\u0000${v.module}\u0000${v.call ?? ''}`;
        let pending = loaded.get(cacheKey);
        if (!pending) loaded.set(cacheKey, (pending = loadValidator(v.module, v.call, configDir)));
        const fn = await pending;
        if (typeof fn === 'string') report(i, `flag "${definition.key}": ${fn}`);
        else options.registry.register(moduleValidatorId(definition, v), fn);
      }
    }
  }
  if (problems.length === 0 && options.values) problems.push(...(await checkSeededValues(definitions, options.values, options.registry)));
  return problems.sort(compareDiagnostics);
}

/** The validator function, or a message saying why it cannot be had. */
async function loadValidator(specifier: string, call: string | undefined, configDir: string): Promise<ValueValidator | string> {
  const written = `validator module "${specifier}"`;
  const resolved = resolveModule(specifier.split('$CONFIG_DIR').join(configDir), configDir);
  if (!resolved) return `${written} not found (looked in ${configDir})`;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  } catch (err) {
    return `${written} (${resolved}) cannot be loaded: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
  const fallback = mod.default as Record<string, unknown> | ((...args: unknown[]) => unknown) | undefined;
  const fn = call === undefined ? fallback : (mod[call] ?? (fallback && typeof fallback === 'object' ? fallback[call] : undefined));
  if (typeof fn === 'function') return fn as ValueValidator;
  const exports = Object.keys(mod).filter((k) => typeof mod[k] === 'function' && k !== 'default');
  const wanted = call === undefined ? 'default export that is a function' : `function export "${call}"`;
  return `${written} (${resolved}) has no ${wanted}${exports.length ? `; its functions: ${exports.join(', ')}` : ''}`;
}

/** An absolute file for a module path: relative to `configDir`, absolute, or a package name. */
function resolveModule(specifier: string, configDir: string): string | undefined {
  const isPath = specifier.startsWith('.') || path.isAbsolute(specifier);
  const require = createRequire(path.join(configDir, 'noop.js'));
  if (!isPath) {
    try {
      return require.resolve(specifier);
    } catch {
      return undefined;
    }
  }
  const absolute = path.resolve(configDir, specifier);
  try {
    return require.resolve(absolute);
  } catch {
    // require.resolve knows .js, .json and .node only.
  }
  for (const ext of EXTENSIONS) if (existsSync(absolute + ext)) return absolute + ext;
  return undefined;
}

async function checkSeededValues(
  definitions: readonly FlagDefinition[],
  values: Readonly<Record<string, MaintainedValues>>,
  registry: ValidatorRegistry,
): Promise<Diagnostic[]> {
  const problems: Diagnostic[] = [];
  for (const definition of definitions) {
    if (!definition.validations?.some((v) => 'validator' in v || 'module' in v)) continue;
    if (!Object.prototype.hasOwnProperty.call(values, definition.key)) continue;
    const seeded = values[definition.key]!;
    const entries: [string, unknown][] = [];
    if (seeded.rootValue !== undefined) entries.push([scopeKey(undefined), seeded.rootValue]);
    for (const k of Object.keys(seeded.scopedValues ?? {})) entries.push([k, seeded.scopedValues![k]]);
    for (const [k, value] of entries) {
      const scope = parseScopeKey(k);
      const issues = await validateValueAsync(definition, value, scope && Object.keys(scope).length ? scope : undefined, { validators: registry });
      for (const issue of issues) problems.push(diagnosticAt(definition, ['values', k], `flag "${definition.key}": seeded value ${JSON.stringify(value)} for ${k}: ${issue.message}`));
    }
  }
  return problems;
}

function diagnosticAt(definition: FlagDefinition, rest: (string | number)[], message: string): Diagnostic {
  const source = definition.source;
  return {
    file: source?.file ?? '(code)',
    line: source?.line ?? 0,
    column: source?.column ?? 0,
    path: formatDocumentPath(['flags', definition.key, ...rest]),
    message,
    severity: 'error',
    code: 'invalid-validator',
  };
}
