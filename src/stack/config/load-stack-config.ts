import { resolve } from 'node:path';
import { PortierError } from '../../errors.js';
import {
  findStackFile,
  STACK_FILE_NAMES,
  type StackFile,
  stackSourceOf,
} from './find-stack-file.js';
import { parseProcfile } from './parse-procfile.js';
import { type ParsedStack, parseStackYaml } from './parse-stack-yaml.js';
import { createStackConfigError, ProblemList } from './problems.js';
import { readWorkspaces } from './read-workspaces.js';
import { resolveStackSpec } from './resolve-stack.js';
import { describeReadError, nodeStackFs, type StackFs } from './stack-fs.js';
import type { ResolvedStackConfig } from './types.js';

export { findDependencyCycle, findDependencyCycles, planStartOrder } from '../graph.js';
export { type ParsedEnvFile, parseEnvFile } from './env-file.js';
export {
  findStackFile,
  STACK_FILE_NAMES,
  type StackFile,
  stackSourceOf,
} from './find-stack-file.js';
export { parseProcfile } from './parse-procfile.js';
export { type ParsedStack, parseStackYaml } from './parse-stack-yaml.js';
export { formatProblem } from './problems.js';
export { readWorkspaces } from './read-workspaces.js';
export { type ResolveStackOptions, resolveStackSpec } from './resolve-stack.js';
export { nodeStackFs, type StackFs } from './stack-fs.js';

/** What {@link loadStackConfig} reads. */
export interface LoadStackConfigOptions {
  /**
   * The stack file (or a directory to look in), relative to `cwd`. Default: the first of
   * portier.yaml, portier.yml, portier.json, Procfile, package.json workspaces in `cwd`.
   */
  file?: string;
  /** Directory to resolve `file` against and to look in. */
  cwd: string;
  /**
   * The environment portier runs in, for `env:` entries written without a value
   * (`API_KEY:`), which take it from here as in Docker Compose. Default `{}`: the library
   * never reads `process.env` itself.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Default: the real file system. */
  fs?: StackFs;
}

/**
 * Loads a stack: finds or reads the file, then load → defaults → normalise → validate, and
 * returns a deep-frozen {@link ResolvedStackConfig}. Throws `STACK_CONFIG_NOT_FOUND` when
 * there is no stack file, and one `STACK_CONFIG_INVALID` listing every problem
 * (`file:line:column: message (hint)`, also in `error.problems`) otherwise; never returns
 * part of a stack.
 */
export function loadStackConfig(options: LoadStackConfigOptions): ResolvedStackConfig {
  const fs = options.fs ?? nodeStackFs;
  const found = locateStackFile(options, fs);
  const problems = new ProblemList();
  const parsed = parseStackFile(found, fs, problems);
  const config = parsed.spec
    ? resolveStackSpec(parsed.spec, problems, { source: found.source, env: options.env ?? {}, fs })
    : undefined;
  if (!config) throw createStackConfigError(found.file, problems.items, options.cwd);
  return config;
}

function locateStackFile(options: LoadStackConfigOptions, fs: StackFs): StackFile {
  const path = resolve(options.cwd, options.file ?? '.');
  const kind = fs.kind(path);
  if (options.file === undefined || kind === 'directory') {
    const found = kind === 'directory' ? findStackFile(path, fs) : undefined;
    if (found) return found;
    const names = [...STACK_FILE_NAMES, 'package.json (workspaces with a "dev" script)'].join(', ');
    throw new PortierError(
      'STACK_CONFIG_NOT_FOUND',
      `No stack file in ${path}: looked for ${names}.`,
      {
        path,
        hint: 'Write a portier.yaml with a services: map, or pass -f <file>.',
      },
    );
  }
  if (kind === undefined) {
    throw new PortierError('STACK_CONFIG_NOT_FOUND', `Stack file ${path} does not exist.`, {
      path,
      hint: 'Check the path given with -f.',
    });
  }
  const source = stackSourceOf(path);
  if (!source) {
    const problem = {
      file: path,
      message: 'cannot tell what kind of stack file this is from its name',
      hint: 'name it *.yaml, *.yml, *.json, Procfile or package.json',
    };
    throw createStackConfigError(path, [problem], options.cwd);
  }
  return { file: path, source };
}

function parseStackFile(found: StackFile, fs: StackFs, problems: ProblemList): ParsedStack {
  if (found.source === 'workspaces') {
    const parsed = readWorkspaces(found.file, fs);
    problems.addAll(parsed.problems);
    if (parsed.spec?.services.length === 0 && parsed.problems.length === 0) {
      throw new PortierError(
        'STACK_CONFIG_NOT_FOUND',
        `${found.file} has no workspaces with a "dev" script, so there is nothing to run.`,
        {
          path: found.file,
          hint: 'Add a "dev" script to the workspaces to run, or write a portier.yaml.',
        },
      );
    }
    return parsed;
  }
  let text: string;
  try {
    text = fs.readFile(found.file);
  } catch (error) {
    problems.addForFile(found.file, `${found.file} ${describeReadError(error)}`);
    return { spec: undefined, problems: [] };
  }
  const parsed =
    found.source === 'Procfile'
      ? parseProcfile(text, found.file)
      : parseStackYaml(text, found.file);
  problems.addAll(parsed.problems);
  return parsed;
}
