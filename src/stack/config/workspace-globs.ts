import { join } from 'node:path';
import type { StackFs } from './stack-fs.js';

/**
 * Expands package.json `workspaces` patterns to directories under `root`, the way npm does
 * for the common forms: exact paths (`tools/cli`) and `*` within a segment (`packages/*`,
 * `apps/*-web`). `!pattern` removes matches. `**` is not expanded. Dot directories and
 * node_modules never match a `*`. Result: absolute paths, pattern order, sorted within a
 * pattern, each once.
 */
export function expandWorkspaceGlobs(
  root: string,
  patterns: readonly string[],
  fs: StackFs,
): string[] {
  const found: string[] = [];
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const dirs = expandOne(root, negated ? pattern.slice(1) : pattern, fs);
    if (negated) {
      const drop = new Set(dirs);
      found.splice(0, found.length, ...found.filter((dir) => !drop.has(dir)));
    } else {
      for (const dir of dirs) if (!found.includes(dir)) found.push(dir);
    }
  }
  return found;
}

function expandOne(root: string, pattern: string, fs: StackFs): string[] {
  const segments = pattern
    .replace(/^\.\//, '')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.');
  let dirs = [root];
  for (const segment of segments) {
    if (segment === '**' || segment === '..') return [];
    dirs = segment.includes('*')
      ? dirs.flatMap((dir) => matching(dir, segment, fs))
      : dirs.map((dir) => join(dir, segment));
  }
  return dirs.filter((dir) => fs.kind(dir) === 'directory');
}

function matching(dir: string, segment: string, fs: StackFs): string[] {
  const regex = new RegExp(`^${segment.split('*').map(escapeRegExp).join('[^/]*')}$`);
  return fs
    .readDir(dir)
    .filter((name) => !name.startsWith('.') && name !== 'node_modules' && regex.test(name))
    .sort()
    .map((name) => join(dir, name))
    .filter((path) => fs.kind(path) === 'directory');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
