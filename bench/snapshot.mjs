// A private copy of what the bench measures (bin/, dist/, package.json), taken once at the
// start. Other work on the checkout (`npm test` rebuilds dist/, deleting it first) must not
// change or break the code under test halfway through a run.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Copies the built package at `root` to a temp dir; `remove()` deletes the copy. */
export function createSnapshot(root) {
  const dir = mkdtempSync(join(tmpdir(), 'portier-bench-snapshot-'));
  for (const entry of ['bin', 'dist', 'package.json'])
    cpSync(join(root, entry), join(dir, entry), { recursive: true });
  // dist/index.js keeps its dependencies external; resolve them from the checkout.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The commit measured and whether src/ had uncommitted changes (read-only git calls). */
export function describeSource(root) {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const changed = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
    return { commit, uncommittedSrcFiles: changed };
  } catch {
    return undefined;
  }
}
