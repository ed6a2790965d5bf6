import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { PortierError } from '../errors.js';

/**
 * Runs `argv` with our stdio (and `env`, default ours) and resolves with its exit status
 * (128 + signal number when a signal ended it, as shells report). SIGINT/SIGTERM sent to us
 * are passed on to it.
 */
export function runAfter(
  argv: readonly string[],
  env?: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(file!, args, {
      stdio: 'inherit',
      ...(env ? { env: env as NodeJS.ProcessEnv } : {}),
    });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt).on('SIGTERM', onTerm);
    const cleanup = () => process.off('SIGINT', onInt).off('SIGTERM', onTerm);
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      reject(
        new PortierError(
          'USAGE',
          `Could not run \`${argv.join(' ')}\`: ${error.code === 'ENOENT' ? 'command not found' : error.message}.`,
          { hint: 'Check the command after `--`.' },
        ),
      );
    });
    child.once('exit', (code, signal) => {
      cleanup();
      resolve(code ?? 128 + ((constants.signals as Record<string, number>)[signal ?? ''] ?? 0));
    });
  });
}
