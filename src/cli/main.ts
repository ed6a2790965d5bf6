import { isPortierError, PortierError } from '../errors.js';
import { ArgvError, type ParsedArgv, parseArgv } from './argv.js';
import {
  type CliContext,
  COMMON_OPTIONS,
  type CommandSpec,
  type ParsedArgs,
  toArgvOptions,
} from './command.js';
import { COMMANDS } from './command-table.js';
import { createContext } from './context.js';
import { renderCommandHelp, renderMainHelp } from './help.js';

declare const __PORTIER_VERSION__: string;
/** The package version, inlined at build time. */
export const VERSION = typeof __PORTIER_VERSION__ === 'string' ? __PORTIER_VERSION__ : '0.0.0-dev';

function usageError(message: string, spec?: CommandSpec): PortierError {
  return new PortierError('USAGE', message, {
    hint: spec
      ? `Usage: ${spec.usage}  (see \`portier ${spec.name} --help\`)`
      : `Commands: ${COMMANDS.map((c) => c.name).join(', ')}. See \`portier --help\`.`,
  });
}

/**
 * The first `-<digit>` argument in a positional place, skipping the value after a string option
 * (`--timeout -5s` is a bad timeout, not a bad port) and stopping at `--`.
 */
function findNegativePositional(spec: CommandSpec, argv: readonly string[]): string | undefined {
  const takesValue = new Set<string>();
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.type !== 'string') continue;
    takesValue.add(`--${name}`);
    if (option.short) takesValue.add(`-${option.short}`);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (takesValue.has(arg)) i++;
    else if (/^-\d/.test(arg)) return arg;
  }
  return undefined;
}

/** Turns the parser's errors into usage errors that name the accepted form. */
function parseCommandArgs(spec: CommandSpec, argv: string[]) {
  if (spec.portPositionals) {
    // `-1` would otherwise read as an unknown short flag; it is a bad port number.
    const negative = findNegativePositional(spec, argv);
    if (negative !== undefined) {
      throw new PortierError(
        'INVALID_PORT',
        `Invalid port "${negative}": expected a whole number from 1 to 65535, like 57573.`,
      );
    }
  }
  let parsed: ParsedArgv;
  try {
    parsed = parseArgv(argv, {
      ...toArgvOptions(spec),
      ...toArgvOptions({ ...spec, options: COMMON_OPTIONS }),
    });
  } catch (error) {
    if (!(error instanceof ArgvError)) throw error;
    throw usageError(`${error.message}.`, spec);
  }
  const count = parsed.positionals.length;
  if (!parsed.values.help && count < (spec.minPositionals ?? 0))
    throw usageError(`Missing argument for \`portier ${spec.name}\`.`, spec);
  if (count > (spec.maxPositionals ?? 0))
    throw usageError(
      `Unexpected argument "${parsed.positionals[spec.maxPositionals ?? 0]}".`,
      spec,
    );
  return parsed;
}

function reportError(error: unknown, ctx: CliContext, json: boolean): number {
  if (!isPortierError(error)) throw error;
  if (json) {
    ctx.stdout.write(`${JSON.stringify({ error: error.toJSON() }, null, 2)}\n`);
  } else {
    ctx.stderr.write(`${ctx.colorErr.red('portier:')} ${error.message}\n`);
    if (error.hint) ctx.stderr.write(`  ${ctx.colorErr.dim(error.hint)}\n`);
  }
  return error.exitCode;
}

/**
 * Runs the CLI with `argv` (without node and script) and resolves with the exit status. The
 * only place that decides exits; `bin/portier.cjs` sets `process.exitCode` from it, and ends
 * the process at once when nothing is left active (no pending write, timer, child or server).
 */
export async function main(argv: string[], ctx: CliContext = createContext()): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v' || first === 'version') {
    ctx.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const entry =
      first === 'help' && rest[0] ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    ctx.stdout.write(
      entry ? renderCommandHelp(await entry.load()) : renderMainHelp(COMMANDS, VERSION),
    );
    return first === undefined ? 2 : 0;
  }
  const json = argv.includes('--json');
  try {
    const entry = COMMANDS.find((c) => c.name === first);
    if (!entry) {
      const close = COMMANDS.find((c) => c.name.startsWith(first.slice(0, 2)));
      throw usageError(
        `Unknown command "${first}".${close ? ` Did you mean \`portier ${close.name}\`?` : ''}`,
      );
    }
    const spec = await entry.load();
    // Everything after `--` is a command to run (`portier wait … -- npm test`), not our flags.
    const dash = spec.acceptsCommand ? rest.indexOf('--') : -1;
    const own = dash >= 0 ? rest.slice(0, dash) : rest;
    const parsed = parseCommandArgs(spec, own);
    if (parsed.values.help) {
      ctx.stdout.write(renderCommandHelp(spec));
      return 0;
    }
    const args: ParsedArgs = { values: parsed.values, positionals: parsed.positionals };
    if (dash >= 0) {
      args.command = rest.slice(dash + 1);
      if (args.command.length === 0)
        throw usageError('Nothing after `--`: give the command to run.', spec);
    }
    return await spec.run(args, ctx);
  } catch (error) {
    return reportError(error, ctx, json);
  }
}
