import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PortierError } from '../errors.js';
import { writeFileAtomic } from '../state/atomic-write.js';
import { withFileLock } from '../state/file-lock.js';
import { isSameProcessAlive } from './process-liveness.js';

/** A port promised to one process until it expires or the process ends. */
export interface Lease {
  port: number;
  /** Owner process; the lease dies with it. */
  pid: number;
  /** Owner start time (Linux clock ticks) so a reused pid does not inherit the lease. */
  startTime?: number;
  /** Epoch ms after which the lease is void even if the owner lives. */
  expiresAt: number;
  /** Free text naming what the port is for (`api`, `shop/web`). */
  label?: string;
}

/** File name of the ledger inside the state directory. */
export const LEDGER_FILE = 'leases.json';

/**
 * Reads ledger text: its first line (see {@link updateLedger} for why only that); anything
 * that is not a valid ledger yields `undefined`.
 */
export function parseLedger(text: string): Lease[] | undefined {
  const end = text.indexOf('\n');
  try {
    const data = JSON.parse(end < 0 ? text : text.slice(0, end)) as {
      version?: unknown;
      leases?: unknown;
    };
    if (data.version !== 1 || !Array.isArray(data.leases)) return undefined;
    return data.leases.filter(
      (l: Partial<Lease>): l is Lease =>
        typeof l?.port === 'number' && typeof l.pid === 'number' && typeof l.expiresAt === 'number',
    );
  } catch {
    return undefined;
  }
}

/** Keeps leases that have not expired and whose owner still runs; pure given `isAlive`. */
export function pruneLeases(
  leases: readonly Lease[],
  nowMs: number,
  isAlive: (lease: Lease) => boolean,
): Lease[] {
  const verdicts = new Map<string, boolean>();
  return leases.filter((lease) => {
    if (lease.expiresAt <= nowMs) return false;
    // Many leases share one owner; ask about each owner once.
    const key = `${lease.pid}/${lease.startTime ?? ''}`;
    let alive = verdicts.get(key);
    if (alive === undefined) {
      alive = isAlive(lease);
      verdicts.set(key, alive);
    }
    return alive;
  });
}

/** The ledger file, open for reading and writing in place; undefined when there is none yet. */
function openLedger(path: string): number | undefined {
  try {
    return openSync(path, 'r+');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Missing, or not ours (left by a `sudo` run): a new ledger replaces it atomically.
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM') return undefined;
    throw new PortierError(
      'STATE_DIR_UNUSABLE',
      `Cannot open the lease ledger ${path}: ${(error as Error).message}`,
      {
        path,
        hint: 'Make the state directory writable, or point PORTIER_STATE_DIR at one that is.',
        cause: error,
      },
    );
  }
}

/** A ledger this many times longer than it needs to be is replaced rather than padded. */
const SHRINK_FACTOR = 4;

/**
 * Writes the ledger over the open file in one write at offset 0: its line, then spaces over
 * whatever the old content had past it. The file is never cut shorter in place (a cut racing
 * another writer could leave half a line); once it is far longer than needed it is replaced
 * whole, atomically.
 */
function storeLedger(
  path: string,
  fd: number | undefined,
  previousBytes: number,
  leases: readonly Lease[],
): void {
  const line = `${JSON.stringify({ version: 1, leases })}\n`;
  const length = Buffer.byteLength(line);
  if (fd === undefined || previousBytes > SHRINK_FACTOR * length + 4096) {
    writeFileAtomic(path, line);
    return;
  }
  const bytes = Buffer.alloc(Math.max(length, previousBytes), ' ');
  bytes.write(line);
  // A short write (a full disk) would leave a torn line: replace the file whole instead.
  if (writeSync(fd, bytes, 0, bytes.length, 0) < bytes.length) writeFileAtomic(path, line);
}

/** Options for reading and changing the ledger. */
export interface LedgerOptions {
  stateDir: string;
  procRoot?: string;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/**
 * Runs `change` on the live leases under the ledger lock and stores what it returns. Expired
 * leases and leases of dead owners are pruned first.
 *
 * Every reader and writer holds the lock, so the ledger is rewritten in place rather than
 * through a temp file and a rename (the rename was a quarter of a pick's time). The JSON is one
 * line, written with its padding in a single write at offset 0, and only the first line is
 * read: a writer killed mid-way or two writers racing after a broken stale lock leave one
 * writer's whole line first, never a torn ledger.
 */
export async function updateLedger<T>(
  options: LedgerOptions,
  change: (
    leases: Lease[],
  ) => Promise<{ leases: Lease[]; result: T }> | { leases: Lease[]; result: T },
): Promise<T> {
  const path = join(options.stateDir, LEDGER_FILE);
  const now = options.now ?? Date.now;
  return withFileLock(`${path}.lock`, async () => {
    let fd = openLedger(path);
    try {
      let stored: Lease[] = [];
      let previousBytes = 0;
      if (fd !== undefined) {
        const bytes = readFileSync(fd); // a fresh fd: from offset 0
        previousBytes = bytes.length;
        const parsed = parseLedger(bytes.toString('utf8'));
        if (parsed) stored = parsed;
        else {
          // Keep the damaged file for inspection instead of silently overwriting it.
          closeSync(fd);
          fd = undefined;
          renameSync(path, `${path}.corrupt-${Date.now()}`);
        }
      }
      const live = pruneLeases(stored, now(), (lease) =>
        isSameProcessAlive(lease, options.procRoot),
      );
      const { leases, result } = await change(live);
      storeLedger(path, fd, previousBytes, leases);
      return result;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  });
}

/** The live leases, pruned. */
export async function listLeases(options: LedgerOptions): Promise<Lease[]> {
  return updateLedger(options, (leases) => ({ leases, result: leases }));
}

/** Drops the leases on `ports` (all owners). Returns how many were dropped. */
export async function releasePorts(
  ports: readonly number[],
  options: LedgerOptions,
): Promise<number> {
  return updateLedger(options, (leases) => {
    const kept = leases.filter((l) => !ports.includes(l.port));
    return { leases: kept, result: leases.length - kept.length };
  });
}
