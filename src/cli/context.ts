import { resolveStateDir } from '../state/state-dir.js';
import { createColors } from '../text/ansi-colors.js';
import type { CliContext } from './command.js';
import { createInput, createOutput } from './std-output.js';

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
 * An AbortController fired by SIGINT/SIGTERM. Handlers are installed only when a command asks
 * for the signal, so short commands keep the default "Ctrl-C ends the process".
 */
function interruptController(): AbortController {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C means now
    controller.abort();
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  return controller;
}

/** The real context: the process's stdio, env, colours and the state directory. */
export function createContext(): CliContext {
  const env = process.env;
  let interrupt: AbortController | undefined;
  // Nobody reads stdout any more: a command that runs until stopped stops as on Ctrl-C.
  const stdout = createOutput(
    1,
    () => process.stdout,
    () => interrupt?.abort(),
  );
  const stderr = createOutput(2, () => process.stderr);
  let color: CliContext['color'] | undefined;
  let colorErr: CliContext['colorErr'] | undefined;
  return {
    stdout,
    stderr,
    stdin: createInput(0, () => process.stdin),
    env,
    // Getters: deciding asks whether a terminal reads the stream, which most runs never need.
    get color() {
      color ??= createColors(shouldColor(stdout.isTTY, env));
      return color;
    },
    get colorErr() {
      colorErr ??= createColors(shouldColor(stderr.isTTY, env));
      return colorErr;
    },
    get signal() {
      interrupt ??= interruptController();
      return interrupt.signal;
    },
    stateDir: resolveStateDir(env),
  };
}
