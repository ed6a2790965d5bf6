import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes `text` to `path` so readers see the old or the new content, never a torn file:
 * write a sibling temp file, then rename over the target (atomic on POSIX and NTFS). The
 * directory is created only when the first write finds it missing: on the hot path (every
 * pick) that saves a syscall.
 */
export function writeFileAtomic(path: string, text: string, mode = 0o600): void {
  const temp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    writeFileSync(temp, text, { mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(temp, text, { mode });
  }
  renameSync(temp, path);
}
