import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
let copy: string | undefined;

/**
 * A world-readable copy of the built CLI and the fixtures, for processes run as other users
 * (setpriv): the checkout itself may sit under a directory only root can enter, as in CI.
 * Made once per test worker; the CLI bundle is self-contained.
 */
export function readableCopy(): string {
  if (copy) return copy;
  const dir = mkdtempSync(join(tmpdir(), 'portier-readable-'));
  for (const sub of ['bin', 'dist', 'test/fixtures'])
    mkdirSync(join(dir, sub), { recursive: true });
  cpSync(join(root, 'package.json'), join(dir, 'package.json'));
  cpSync(join(root, 'bin/portier.cjs'), join(dir, 'bin/portier.cjs'));
  cpSync(join(root, 'dist/cli.cjs'), join(dir, 'dist/cli.cjs'));
  for (const name of readdirSync(join(root, 'test/fixtures'))) {
    if (name.endsWith('.mjs'))
      cpSync(join(root, 'test/fixtures', name), join(dir, 'test/fixtures', name));
  }
  for (const sub of ['', 'bin', 'dist', 'test', 'test/fixtures']) chmodSync(join(dir, sub), 0o755);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  copy = dir;
  return dir;
}
