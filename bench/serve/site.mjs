// The folder every server serves: the same two files for all of them.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Size of the small file, in bytes. */
export const SMALL_BYTES = 1024;
/** Size of the large file, in bytes. */
export const LARGE_BYTES = 1024 * 1024;

/**
 * The files, with their bytes. `1k.txt` is text, as most small files a dev server sends are
 * (portier would compress it, but wrk sends no Accept-Encoding, so no server does);
 * `1m.bin` is random bytes: incompressible, so no server has a cheaper form of it anyway.
 */
export function siteFiles(random = randomBytes) {
  const line = 'portier serve bench: the same 1 KiB text file for every server.\n';
  const small = line.repeat(Math.ceil(SMALL_BYTES / line.length)).slice(0, SMALL_BYTES - 1);
  return [
    { name: '1k.txt', body: Buffer.from(`${small}\n`), label: '1 KiB' },
    { name: '1m.bin', body: random(LARGE_BYTES), label: '1 MiB' },
  ];
}

/**
 * Writes the site into a fresh temp folder, readable by everyone (nginx's workers drop to
 * `nobody` when the master runs as root). `remove()` deletes it.
 */
export function createSite(files = siteFiles()) {
  const dir = mkdtempSync(join(tmpdir(), 'portier-serve-bench-site-'));
  chmodSync(dir, 0o755);
  for (const file of files) writeFileSync(join(dir, file.name), file.body, { mode: 0o644 });
  return {
    dir,
    files: files.map(({ name, body, label }) => ({ name, size: body.length, label })),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
