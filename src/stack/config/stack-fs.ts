import { readdirSync, readFileSync, statSync } from 'node:fs';

/**
 * The file system as the config loader sees it: reading the stack file, env files and
 * workspace package.json files, and checking that directories exist. Tests pass a fake.
 */
export interface StackFs {
  /** UTF-8 text of a file; throws (with `code`, such as `ENOENT`) when it cannot be read. */
  readFile(path: string): string;
  /** What is at `path`, or `undefined` when nothing is. */
  kind(path: string): 'file' | 'directory' | 'other' | undefined;
  /** Names in a directory; `[]` when it cannot be read. */
  readDir(path: string): string[];
}

/** {@link StackFs} on the real file system. */
export const nodeStackFs: StackFs = {
  readFile: (path) => readFileSync(path, 'utf8'),
  kind(path) {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return undefined;
    if (stat.isFile()) return 'file';
    return stat.isDirectory() ? 'directory' : 'other';
  },
  readDir(path) {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
};

/** Why a read failed, in words (`does not exist`, `is not readable (EACCES)`). */
export function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return `is not readable (${code})`;
  return `cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`;
}
