import { basename, join } from 'node:path';
import { readWorkspaces } from './read-workspaces.js';
import { nodeStackFs, type StackFs } from './stack-fs.js';
import type { StackSource } from './types.js';

/** A stack file and what kind it is. */
export interface StackFile {
  /** Absolute path (package.json for workspaces). */
  file: string;
  source: StackSource;
}

/** Files looked for in a directory, first found wins; then package.json workspaces. */
export const STACK_FILE_NAMES = [
  'portier.yaml',
  'portier.yml',
  'portier.json',
  'Procfile',
] as const;

/**
 * The stack file of `dir`: `portier.yaml`, `portier.yml`, `portier.json` or `Procfile`, else
 * `package.json` when it has workspaces of which at least one has a `dev` script.
 * `undefined` when there is none. Only `dir` itself is searched, not its parents.
 */
export function findStackFile(dir: string, fs: StackFs = nodeStackFs): StackFile | undefined {
  for (const name of STACK_FILE_NAMES) {
    const file = join(dir, name);
    if (fs.kind(file) === 'file') return { file, source: name };
  }
  const packageFile = join(dir, 'package.json');
  if (fs.kind(packageFile) !== 'file') return undefined;
  const { spec } = readWorkspaces(packageFile, fs);
  return spec && spec.services.length > 0 ? { file: packageFile, source: 'workspaces' } : undefined;
}

/**
 * The kind of a file named explicitly (`-f`), from its name: `*.yaml`, `*.yml`, `*.json`,
 * `Procfile`, `Procfile.<anything>` (`Procfile.dev`), `*.procfile`, and `package.json` for
 * workspaces. `undefined` when the name says nothing.
 */
export function stackSourceOf(file: string): StackSource | undefined {
  const name = basename(file);
  const lower = name.toLowerCase();
  if (lower === 'package.json') return 'workspaces';
  if (lower.endsWith('.yaml')) return 'portier.yaml';
  if (lower.endsWith('.yml')) return 'portier.yml';
  if (lower.endsWith('.json')) return 'portier.json';
  if (name === 'Procfile' || name.startsWith('Procfile.') || lower.endsWith('.procfile')) {
    return 'Procfile';
  }
  return undefined;
}
