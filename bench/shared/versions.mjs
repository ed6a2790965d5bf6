// Versions of what a bench measures: an installed npm package, or a tool on the PATH.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Version of an installed npm package, or undefined when it is not installed. */
export function npmVersion(root, name) {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'))
      .version;
  } catch {
    return undefined;
  }
}

/** First match of `pattern` in what a command prints for its version flag, or undefined. */
export function toolVersion(command, args, pattern) {
  const out = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  if (out.error || out.status !== 0) return undefined;
  return pattern.exec(`${out.stdout}${out.stderr}`)?.[1];
}
