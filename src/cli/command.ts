import { join } from 'node:path';
import { HIDDEN_PROOF_FILE } from '../sockets/hidden-proof.js';
import type { Colors } from '../text/ansi-colors.js';
import type { ArgvOption } from './argv.js';
import type { InputStream, OutputStream } from './std-output.js';

/** What a command sees of the outside world; only `cli/` builds one from `process`. */
export interface CliContext {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: InputStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Colours for stdout, disabled off a TTY and with NO_COLOR. */
  color: Colors;
  /** Colours for stderr. */
  colorErr: Colors;
  /** Aborted on SIGINT/SIGTERM so long-running commands can end cleanly. */
  signal: AbortSignal;
  /** The state directory from the environment. */
  stateDir: string;
}

/** One option of a command: how it is read (./argv.ts) plus help text. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder in help, e.g. `N` or `A-B`. */
  value?: string;
  description: string;
}

/** Parsed arguments handed to a command. */
export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  /** The argv after `--`, for commands that run one. */
  command?: string[];
}

/** A command: its help, its options and what it does. Returns the exit status. */
export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  /** Longer help paragraphs and examples. */
  details?: string;
  options: Record<string, OptionSpec>;
  /** Names of positional arguments that are port numbers (for the `-1` rule). */
  portPositionals?: boolean;
  /** Takes a command to run after `--`. */
  acceptsCommand?: boolean;
  minPositionals?: number;
  maxPositionals?: number;
  run(args: ParsedArgs, ctx: CliContext): Promise<number>;
}

/** How a command's options are read (./argv.ts); the shared `--json` and `--help` aside. */
export function toArgvOptions(spec: CommandSpec): Record<string, ArgvOption> {
  const options: Record<string, ArgvOption> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    options[name] = {
      type: option.type,
      ...(option.short ? { short: option.short } : {}),
      ...(option.multiple ? { multiple: true } : {}),
    };
  }
  return options;
}

/** Options every command accepts. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: "print the result as JSON (the library's shape)" },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

/** The file where `ls`, `who` and `kill` keep the family search's proof about hidden sockets. */
export function hiddenProofFile(ctx: Pick<CliContext, 'stateDir'>): string {
  return join(ctx.stateDir, HIDDEN_PROOF_FILE);
}
