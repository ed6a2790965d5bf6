import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
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

/** Reads ledger text; anything that is not a valid ledger yields `undefined`. */
export function parseLedger(text: string): Lease[] | undefined {
  try {
    const data = JSON.parse(text) as { version?: unknown; leases?: unknown };
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

function readLeases(path: string): Lease[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const leases = parseLedger(text);
  if (leases) return leases;
  // Keep the damaged file for inspection instead of silently overwriting it.
  renameSync(path, `${path}.corrupt-${Date.now()}`);
  return [];
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
    const live = pruneLeases(readLeases(path), now(), (lease) =>
      isSameProcessAlive(lease, options.procRoot),
    );
    const { leases, result } = await change(live);
    writeFileAtomic(path, `${JSON.stringify({ version: 1, leases })}\n`);
    return result;
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
