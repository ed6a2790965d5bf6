import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes `text` to `path` so readers see the old or the new content, never a torn file:
 * write a sibling temp file, then rename over the target (atomic on POSIX and NTFS).
 */
export function writeFileAtomic(path: string, text: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  writeFileSync(temp, text, { mode });
  renameSync(temp, path);
}
