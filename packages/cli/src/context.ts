import type { CliIo, Colors } from './io';
import type { Progress } from './output/progress';

/** What every command receives besides its own arguments and options. */
export interface CommandContext {
  io: CliIo;
  /** Colours for stdout. */
  out: Colors;
  /** Colours for stderr. */
  err: Colors;
  verbose: boolean;
  /** `--quiet`: no progress output. */
  quiet: boolean;
  /** Prints one line on stdout. */
  print(line?: string): void;
  /** Prints one line on stderr (notes, progress, warnings). */
  note(line: string): void;
  /** Starts progress output on stderr for a job of `total` steps (a bar on a terminal, lines elsewhere, none with `--quiet`). */
  progress(total: number, label: string, unit: string): Promise<Progress>;
}

/** Arguments and options commander parsed for one command. */
export interface CommandInput<O = Record<string, unknown>> {
  args: string[];
  /** Variadic arguments, when the command declares one. */
  rest: string[];
  options: O;
  /** Where each option's value came from: `cli`, `env`, `default`. */
  sources: Record<string, string | undefined>;
  /** The raw arguments after the command name (for commands that hand them on unchanged). */
  raw: string[];
}

/**
 * A command module: its one export runs the command and throws `ExitError` to fail. Each module
 * types its own options; `never` lets every such module fit here (commander's values are untyped).
 */
export interface CommandModule {
  run(ctx: CommandContext, input: CommandInput<never>): Promise<void>;
}
