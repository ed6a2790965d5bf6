// Temporary folders of a bench run in progress, so a signal or the watchdog can remove them.
import { rmSync } from 'node:fs';

const tempDirs = new Set();

/** Registers folders that {@link removeTempDirs} deletes; returns nothing. */
export function trackTempDirs(...dirs) {
  for (const dir of dirs) tempDirs.add(dir);
}

/** Deletes every registered folder still there (a run in progress, then stopped). */
export function removeTempDirs() {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}
