import pc from 'picocolors';
import { resolveStateDir } from '../state/state-dir.js';
import type { CliContext } from './command.js';

/** True when colour should be used on a stream: a TTY, no NO_COLOR, not TERM=dumb; FORCE_COLOR wins. */
export function shouldColor(
  isTTY: boolean | undefined,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY === true && env.TERM !== 'dumb';
}

/**
 * An AbortSignal fired by SIGINT/SIGTERM. Handlers are installed only when a command asks for
 * the signal, so short commands keep the default "Ctrl-C ends the process".
 */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C means now
    controller.abort();
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  return controller.signal;
}

/** The real context: process streams, env, colours and the state directory. */
export function createContext(): CliContext {
  const env = process.env;
  let signal: AbortSignal | undefined;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // A getter: touching process.stdin builds a stream (~3 ms) most commands never use.
    get stdin() {
      return process.stdin;
    },
    env,
    color: pc.createColors(shouldColor(process.stdout.isTTY, env)),
    colorErr: pc.createColors(shouldColor(process.stderr.isTTY, env)),
    get signal() {
      signal ??= interruptSignal();
      return signal;
    },
    stateDir: resolveStateDir(env),
  };
}
