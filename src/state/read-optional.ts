import { readFileSync, readlinkSync } from 'node:fs';

/**
 * The text of a file, or undefined when it cannot be read. For /proc and /etc files whose
 * absence is a fact to report (a process that ended, IPv6 compiled out), not an error.
 */
export function readTextIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Runs `read` with no stack traces taken for the errors it throws: for /proc reads where a
 * failure is an expected answer (a closed fd, an ended process), thousands of times a scan.
 */
export function withoutStackTraces<T>(read: () => T): T {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return read();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** The target of a symlink, or undefined when it cannot be read (gone, or not ours to read). */
export function readlinkIfPresent(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
