import { Command, CommanderError, Option } from 'commander';
import pkg from '../package.json';
import type { CommandContext, CommandInput } from './context';
import { EXIT, ExitError, toExitError } from './exit-error';
import { colorsFor, processIo, type CliIo } from './io';
import { startProgress } from './output/progress';
import { COMMANDS, type CommandSpec, type OptionSpec } from './registry';

/** The version `switchyard --version` prints. */
export const VERSION: string = pkg.version;

/** Options every command takes. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { flags: '--verbose', description: 'print stack traces and more detail on errors' },
  { flags: '--no-color', description: 'never colour output (NO_COLOR does the same)' },
  { flags: '-q, --quiet', description: 'no progress output on stderr (errors and warnings still print)' },
];

interface RunState {
  verbose: boolean;
  color: boolean;
  quiet: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function addOption(command: Command, spec: OptionSpec): void {
  const option = new Option(spec.flags, spec.description);
  if (spec.env) option.env(spec.env);
  if (spec.choices) option.choices(spec.choices);
  if (spec.repeatable) option.argParser(collect);
  if (spec.default !== undefined) option.default(spec.default);
  command.addOption(option);
}

function examplesText(examples: readonly string[] | undefined): string {
  if (!examples?.length) return '';
  return `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`;
}

/** The arguments after the command's own name, e.g. everything after `serve`. */
function rawArgsOf(argv: readonly string[], path: readonly string[]): string[] {
  let index = -1;
  for (const name of path) {
    index = argv.indexOf(name, index + 1);
    if (index < 0) return [];
  }
  return argv.slice(index + 1);
}

function inputOf(command: Command, argv: readonly string[], path: readonly string[]): CommandInput {
  const declared = command.registeredArguments;
  const processed = command.processedArgs as unknown[];
  const args: string[] = [];
  let rest: string[] = [];
  declared.forEach((arg, i) => {
    const value = processed[i];
    if (arg.variadic) rest = (value as string[] | undefined) ?? [];
    else if (typeof value === 'string') args.push(value);
  });
  const options = command.opts();
  const sources: Record<string, string | undefined> = {};
  for (const key of Object.keys(options)) sources[key] = command.getOptionValueSource(key);
  return { args, rest, options, sources, raw: rawArgsOf(argv, path) };
}

function contextFor(io: CliIo, state: RunState): CommandContext {
  const out = colorsFor(io.stdout, io.env, state.color);
  const err = colorsFor(io.stderr, io.env, state.color);
  return {
    io,
    out,
    err,
    verbose: state.verbose,
    quiet: state.quiet,
    print: (line = '') => io.stdout.write(`${line}\n`),
    note: (line) => io.stderr.write(`${line}\n`),
    progress: (total, label, unit) => startProgress(io, total, { label, unit, quiet: state.quiet }),
  };
}

function addCommand(parent: Command, spec: CommandSpec, io: CliIo, argv: readonly string[], state: RunState, path: readonly string[]): void {
  const command = parent.command(spec.name).description(spec.summary);
  const here = [...path, spec.name];
  for (const arg of spec.args ?? []) command.argument(arg);
  if (spec.subcommands) {
    for (const sub of spec.subcommands) addCommand(command, sub, io, argv, state, here);
    return;
  }
  for (const option of spec.options ?? []) addOption(command, option);
  for (const option of GLOBAL_OPTIONS) addOption(command, option);
  if (spec.passThrough) command.allowUnknownOption().allowExcessArguments();
  const examples = examplesText(spec.examples);
  if (examples) command.addHelpText('after', examples);
  const load = spec.load;
  if (!load) throw new Error(`command ${here.join(' ')} declares neither an implementation nor subcommands`);
  command.action(async (...params: unknown[]) => {
    const self = params[params.length - 1] as Command;
    const own = self.opts<{ verbose?: boolean; color?: boolean; quiet?: boolean }>();
    const global = parent.optsWithGlobals<{ verbose?: boolean; color?: boolean; quiet?: boolean }>();
    state.verbose = Boolean(own.verbose || global.verbose);
    state.quiet = Boolean(own.quiet || global.quiet);
    state.color = own.color !== false && global.color !== false;
    const mod = await load();
    await mod.run(contextFor(io, state), inputOf(self, argv, here) as CommandInput<never>);
  });
}

/** Builds the `switchyard` program: every command from the registry, with help, examples and `--version`. */
export function createProgram(io: CliIo = processIo(), argv: readonly string[] = [], state: RunState = { verbose: false, color: true, quiet: false }): Command {
  const program = new Command('switchyard');
  const errColors = colorsFor(io.stderr, io.env);
  program
    .description('Switchyard feature management: validate manifests, evaluate flags, manage a store or server.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false, helpWidth: Math.min(io.stdout.columns ?? 100, 120) })
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(errColors.red(s)),
    });
  for (const option of GLOBAL_OPTIONS) addOption(program, option);
  program.addHelpText(
    'after',
    `\nExit codes (every command): 0 ok, 1 a check failed (invalid input, conflict, unknown flag, failed run, diff --exit-code), 2 usage (bad option, missing file or sqlite: database without --create), 3 store or server unreachable or failing, 4 internal error.\n` +
      examplesText(['switchyard validate examples/manifests', 'switchyard eval new-checkout --manifests examples/manifests --env production -c country=DE', 'switchyard import examples/manifests --store sqlite:./data/switchyard.db']),
  );
  for (const spec of COMMANDS) addCommand(program, spec, io, argv, state, []);
  return program;
}

/** Exit code for commander's own outcomes: help and version are successes, everything else is a usage error. */
function commanderExitCode(err: CommanderError): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.OK;
  if (err.code === 'commander.help') return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  return EXIT.USAGE;
}

/**
 * Runs `switchyard` with the given arguments (without `node` and the script) and resolves to the
 * exit code. Never exits the process: the executable's entrypoint does that. Failures are written
 * to stderr as one line (`error: …`), with the stack trace when `--verbose` is given.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const state: RunState = { verbose: false, color: true, quiet: false };
  const program = createProgram(io, argv, state);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) return commanderExitCode(err);
    const exit = toExitError(err);
    const colors = colorsFor(io.stderr, io.env, state.color);
    if (exit.message) io.stderr.write(`${colors.red('error:')} ${exit.message}\n`);
    if (state.verbose) {
      const detail = exit.cause instanceof Error ? exit.cause : exit;
      if (detail.stack) io.stderr.write(`${colors.dim(detail.stack)}\n`);
    }
    return exit.exitCode;
  }
}

export { ExitError };
