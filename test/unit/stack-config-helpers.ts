import { dirname, join } from 'node:path';
import { type ErrorCode, isPortierError, type ProblemDetail } from '../../src/errors.js';
import {
  loadStackConfig,
  parseStackYaml,
  type StackFs,
} from '../../src/stack/config/load-stack-config.js';
import type { ResolvedStackConfig } from '../../src/stack/config/types.js';

/** Project directory of the in-memory stacks. */
export const ROOT = '/proj';

/** A {@link StackFs} over a map of absolute path → text; directories are implied by the paths. */
export function memoryFs(files: Record<string, string>): StackFs {
  const dirs = new Set<string>();
  for (const path of Object.keys(files)) {
    for (let dir = dirname(path); !dirs.has(dir); dir = dirname(dir)) {
      dirs.add(dir);
      if (dir === dirname(dir)) break;
    }
  }
  return {
    readFile(path) {
      const text = files[path];
      if (text !== undefined) return text;
      throw Object.assign(new Error(`ENOENT: ${path}`), {
        code: dirs.has(path) ? 'EISDIR' : 'ENOENT',
      });
    },
    kind: (path) => (path in files ? 'file' : dirs.has(path) ? 'directory' : undefined),
    readDir: (path) =>
      [...Object.keys(files), ...dirs]
        .filter((p) => p !== path && dirname(p) === path)
        .map((p) => p.slice(path.length + 1)),
  };
}

/** Resolves `/proj/portier.yaml` with this text, next to `files` (paths relative to /proj). */
export function resolveYaml(
  yaml: string,
  files: Record<string, string> = {},
  env: Record<string, string | undefined> = {},
): ResolvedStackConfig {
  const all: Record<string, string> = { [join(ROOT, 'portier.yaml')]: yaml };
  for (const [path, text] of Object.entries(files)) all[join(ROOT, path)] = text;
  return loadStackConfig({ cwd: ROOT, env, fs: memoryFs(all) });
}

/** The PortierError `fn` throws; fails the test when it throws nothing or something else. */
export function errorOf(fn: () => unknown): {
  code: ErrorCode;
  problems: readonly ProblemDetail[];
  message: string;
} {
  try {
    fn();
  } catch (error) {
    if (isPortierError(error))
      return { code: error.code, problems: error.problems ?? [], message: error.message };
    throw error;
  }
  throw new Error('expected a PortierError, nothing was thrown');
}

/** The problems of an invalid `/proj/portier.yaml`, without their prose. */
export function problemsOfYaml(
  yaml: string,
  files: Record<string, string> = {},
): Omit<ProblemDetail, 'message'>[] {
  const error = errorOf(() => resolveYaml(yaml, files));
  if (error.code !== 'STACK_CONFIG_INVALID')
    throw new Error(`expected STACK_CONFIG_INVALID, got ${error.code}`);
  return error.problems.map(withoutMessage);
}

/** A problem without its prose, for comparing positions, paths and hints. */
export function withoutMessage(problem: ProblemDetail): Omit<ProblemDetail, 'message'> {
  const { message: _message, ...rest } = problem;
  return rest;
}

/** Lines joined with newlines, so a test's YAML shows its line numbers plainly. */
export function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}

/** File name used by the pure parser tests. */
export const FILE = '/p/portier.yaml';

/** The problems `parseStackYaml` finds in `text` (as {@link FILE}), without their prose. */
export function parseProblems(text: string): Omit<ProblemDetail, 'message'>[] {
  return parseStackYaml(text, FILE).problems.map(withoutMessage);
}

/** A one-service file: `web` with `command: run` and these lines after it (indented 4). */
export function web(...extra: string[]): string {
  return lines('services:', '  web:', '    command: run', ...extra.map((l) => `    ${l}`));
}

/** A problem of {@link FILE} without its prose. */
export function at(line: number, column: number, path?: string, hint?: string) {
  return { file: FILE, line, column, ...(path ? { path } : {}), ...(hint ? { hint } : {}) };
}
