import { isAbsolute, resolve } from 'node:path';
import { parseEnvFile } from './env-file.js';
import type { ProblemList } from './problems.js';
import { describeReadError, type StackFs } from './stack-fs.js';
import type { ServiceSpec } from './stack-spec.js';

/** What a service gets from the file system: its directory and its environment. */
export interface ServiceFiles {
  /** Absolute working directory. */
  cwd: string;
  /** `env_file` values in order (later files win), then `env` over them. */
  env: Record<string, string>;
  /** Absolute paths of the env files. */
  envFiles: string[];
}

/**
 * Resolves `cwd` and reads `env_file`s, both relative to `root` (the stack file's directory).
 * A missing cwd, a missing or unreadable env file and a malformed line in one are problems
 * naming the service, at the position of the value in the stack file (or of the bad line in
 * the env file). `hostEnv` fills `env` entries written without a value.
 */
export function resolveServiceFiles(
  spec: ServiceSpec,
  root: string,
  hostEnv: Readonly<Record<string, string | undefined>>,
  fs: StackFs,
  problems: ProblemList,
): ServiceFiles {
  const cwd = spec.cwd ? resolve(root, spec.cwd.value) : root;
  if (spec.cwd) {
    const kind = fs.kind(cwd);
    if (kind !== 'directory') {
      const what = kind === undefined ? 'does not exist' : 'is not a directory';
      problems.add(
        spec.cwd.where,
        `service "${spec.name}": cwd ${spec.cwd.value} ${what}${shown(spec.cwd.value, cwd)}`,
      );
    }
  }
  const env: Record<string, string> = {};
  const envFiles: string[] = [];
  for (const entry of spec.envFiles) {
    const path = resolve(root, entry.value);
    envFiles.push(path);
    let text: string;
    try {
      text = fs.readFile(path);
    } catch (error) {
      const why = describeReadError(error);
      problems.add(
        entry.where,
        `service "${spec.name}": env_file ${entry.value} ${why}${shown(entry.value, path)}`,
      );
      continue;
    }
    const parsed = parseEnvFile(text);
    for (const problem of parsed.problems) {
      problems.add(
        { file: path, line: problem.line, column: 1 },
        `env file of service "${spec.name}": ${problem.message}`,
      );
    }
    Object.assign(env, parsed.values);
  }
  for (const [key, value] of Object.entries(spec.env)) {
    const actual = value ?? hostEnv[key];
    if (actual !== undefined) env[key] = actual;
  }
  return { cwd, env, envFiles };
}

/** ` (/abs/path)` after a relative path, so the message says where portier looked. */
function shown(written: string, absolute: string): string {
  return isAbsolute(written) ? '' : ` (${absolute})`;
}
