import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { PortierError } from '../errors.js';
import { isPidAlive } from '../ports/process-liveness.js';

/** How long a caller waits for a lock before giving up, in ms. */
export const LOCK_TIMEOUT_MS = 5_000;
/** A lock older than this whose holder cannot be confirmed alive is taken over, in ms. */
export const LOCK_STALE_MS = 10_000;

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** Give up after this many ms. Default {@link LOCK_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Pid written into the lock file. Default: this process. */
  pid?: number;
}

function tryAcquire(lockPath: string, pid: number): boolean {
  try {
    const fd = openSync(lockPath, 'wx', 0o600);
    writeSync(fd, String(pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      mkdirSync(dirname(lockPath), { recursive: true, mode: 0o700 });
      return false;
    }
    throw new PortierError(
      'STATE_DIR_UNUSABLE',
      `Cannot create the lock file ${lockPath}: ${(error as Error).message}`,
      {
        path: lockPath,
        hint: 'Make the state directory writable, or point PORTIER_STATE_DIR at one that is.',
        cause: error,
      },
    );
  }
}

/** Removes a lock whose holder died (a crash or SIGKILL inside the critical section). */
function breakIfStale(lockPath: string): void {
  try {
    const holder = Number(readFileSync(lockPath, 'utf8'));
    const ageMs = Date.now() - statSync(lockPath).mtimeMs;
    const dead = Number.isInteger(holder) && holder > 0 ? !isPidAlive(holder) : ageMs > 1_000;
    if (dead || ageMs > LOCK_STALE_MS) unlinkSync(lockPath);
  } catch {
    // Released or broken by someone else meanwhile: the next attempt will see.
  }
}

/**
 * Runs `fn` while holding an exclusive lock file (`O_CREAT|O_EXCL`), shared by every process
 * on the machine. Waits with a short back-off; throws `LEDGER_LOCK_TIMEOUT` after the timeout.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T> | T,
  options: FileLockOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? LOCK_TIMEOUT_MS;
  const pid = options.pid ?? process.pid;
  const deadline = Date.now() + timeoutMs;
  let delayMs = 1;
  let attempts = 0;
  while (!tryAcquire(lockPath, pid)) {
    if (++attempts % 8 === 0) breakIfStale(lockPath);
    if (Date.now() > deadline) {
      throw new PortierError(
        'LEDGER_LOCK_TIMEOUT',
        `Timed out after ${timeoutMs} ms waiting for the lock ${lockPath}.`,
        {
          path: lockPath,
          hint: 'Another portier process holds it; if none runs, delete the file.',
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs + Math.random() * delayMs));
    delayMs = Math.min(delayMs * 2, 25);
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(lockPath);
    } catch {
      // Broken as stale by another process; nothing left to release.
    }
  }
}
