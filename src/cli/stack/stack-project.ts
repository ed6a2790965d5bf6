import { dirname, resolve } from 'node:path';
import { PortierError } from '../../errors.js';
import { findStackFile } from '../../stack/config/load-stack-config.js';
import { createStackClient, type StackClient } from '../../stack/control/control-client.js';
import { findRunningStack } from '../../stack/open-stack.js';
import type { SupervisorRecord } from '../../stack/project-state.js';
import type { OptionSpec } from '../command.js';

/** `-f, --file`: shared by every stack command. */
export const FILE_OPTION: Record<string, OptionSpec> = {
  file: {
    type: 'string',
    short: 'f',
    value: 'FILE',
    description:
      'the stack file (default: portier.yaml, Procfile or package.json workspaces, found from here upward)',
  },
};

/**
 * The project root: the directory of `-f FILE`, else the nearest directory from `cwd` upward
 * holding a stack file (so `portier logs` works from a subdirectory, like git).
 */
export function resolveProjectRoot(file: string | undefined, cwd: string): string {
  if (file) return dirname(resolve(cwd, file));
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (findStackFile(dir)) return dir;
    if (dirname(dir) === dir) break;
  }
  throw new PortierError(
    'STACK_CONFIG_NOT_FOUND',
    `No portier.yaml, Procfile or package.json workspaces in ${cwd} or above.`,
    { path: cwd, hint: 'Run it in the project directory, or pass -f <file>.' },
  );
}

/** The running supervisor of the project and a client for it. */
export function connectToStack(
  stateDir: string,
  file: string | undefined,
  cwd: string,
): { client: StackClient; record: SupervisorRecord; projectDir: string } {
  const root = resolveProjectRoot(file, cwd);
  const found = findRunningStack(stateDir, root);
  if (!found) {
    throw new PortierError('STACK_NOT_RUNNING', `No stack is running for ${root}.`, {
      path: root,
      hint: 'Start it with `portier up` (or `portier up -d` in the background).',
    });
  }
  return { client: createStackClient(found.record.socket), ...found };
}
