/**
 * The command line's own parser: `util.parseArgs` in strict mode, for the options portier
 * declares. portier's, not Node's, because Node loads its parser's modules on first use
 * (~0.7 ms of a command that lives ~80 ms, `node -e 0` being ~60 of them).
 */

/** How one option is read. */
export interface ArgvOption {
  type: 'string' | 'boolean';
  /** One-letter alias, without the dash. */
  short?: string;
  /** Collect every occurrence into an array. */
  multiple?: boolean;
}

/** What the command line held. */
export interface ParsedArgv {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** A command line portier cannot read; the message names the option. */
export class ArgvError extends Error {
  override name = 'ArgvError';
}

/**
 * Reads `argv` against `options`: `--name`, `--name=value`, `--name value`, `-n`, `-n value`,
 * `-nvalue` and grouped flags (`-ny`); everything after `--`, and a lone `-`, is positional.
 * Unknown options, a value given to a flag, and a missing value throw {@link ArgvError}. A
 * value that starts with a dash must be attached (`--timeout=-5s`): detached, it reads as a
 * forgotten value, as Node's parser has it.
 */
export function parseArgv(
  argv: readonly string[],
  options: Record<string, ArgvOption>,
): ParsedArgv {
  const values: ParsedArgv['values'] = {};
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, option] of Object.entries(options))
    if (option.short) byShort.set(option.short, name);

  const set = (name: string, value: string | boolean) => {
    if (!options[name]!.multiple) {
      values[name] = value;
      return;
    }
    const list = values[name];
    if (Array.isArray(list)) list.push(value);
    else values[name] = [value];
  };
  const spelled = (name: string) => {
    const short = options[name]!.short;
    return short ? `-${short}, --${name}` : `--${name}`;
  };
  /** The value of string option `name` from the next argument. */
  const next = (name: string, i: number): string => {
    const value = argv[i];
    if (value === undefined)
      throw new ArgvError(`Option '${spelled(name)} <value>' argument missing`);
    if (value.length > 1 && value.startsWith('-'))
      throw new ArgvError(
        `Option '${spelled(name)}' argument is ambiguous: give a value that starts with a dash as --${name}=${value}`,
      );
    return value;
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const option = Object.hasOwn(options, name) ? options[name] : undefined;
      if (!option) throw new ArgvError(`Unknown option '--${name}'`);
      if (option.type === 'boolean') {
        if (eq >= 0) throw new ArgvError(`Option '${spelled(name)}' does not take an argument`);
        set(name, true);
      } else {
        set(name, eq >= 0 ? arg.slice(eq + 1) : next(name, ++i));
      }
      continue;
    }
    if (arg.length > 1 && arg.startsWith('-')) {
      for (let j = 1; j < arg.length; j++) {
        const name = byShort.get(arg[j]!);
        if (!name) throw new ArgvError(`Unknown option '-${arg[j]}'`);
        if (options[name]!.type === 'boolean') {
          set(name, true);
          continue;
        }
        set(name, j + 1 < arg.length ? arg.slice(j + 1) : next(name, ++i));
        break;
      }
      continue;
    }
    positionals.push(arg);
  }
  return { values, positionals };
}
