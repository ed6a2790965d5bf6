import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../state/atomic-write.js';

/**
 * What a search proved about sockets no visible process holds (Linux): none of `readers`
 * held them when their every fd was read. A process gets a socket that already exists only
 * when it is forked, or when it is handed one over a Unix socket (which the family search
 * does not follow anyway), so later searches need to read only the processes started since.
 */
export interface HiddenProof {
  /** The kernel's boot id: a proof from another boot proves nothing. */
  bootId: string;
  /** The /proc it was made from. */
  procRoot: string;
  /** When it was made, in ms since the epoch. */
  at: number;
  /** Socket inodes that no reader held. */
  sockets: number[];
  /** The processes read whole, as `pid:startTime` (start time in clock ticks since boot). */
  readers: string[];
  /**
   * Clock ticks since boot when it was saved, after every reader was read. A process started
   * later from a reader cannot have inherited the sockets either, so it need not be read.
   */
  savedAtTicks?: number;
}

/** Where a search finds the last proof and leaves its own; failures are the store's own. */
export interface HiddenProofStore {
  load(): HiddenProof | undefined;
  save(proof: HiddenProof): void;
}

/** The proof's file name in a state directory, for callers that keep it on disk. */
export const HIDDEN_PROOF_FILE = 'hidden-sockets.json';

/** How long a proof is used, in ms (10 minutes): a bound on trusting an inode number. */
export const HIDDEN_PROOF_MAX_AGE_MS = 10 * 60_000;

/** The key of a process in {@link HiddenProof.readers}. */
export const readerKey = (pid: number, startTime: number) => `${pid}:${startTime}`;

/** The kernel's boot id, or undefined where it cannot be read (no proof is kept then). */
export function readBootId(procRoot = '/proc'): string | undefined {
  try {
    return readFileSync(`${procRoot}/sys/kernel/random/boot_id`, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The readers of `proof` when it can stand for `sockets` now: same boot and /proc, young
 * enough, and covering every one of them. Undefined otherwise.
 */
export function usableReaders(
  proof: HiddenProof | undefined,
  expected: { bootId: string; procRoot: string; now: number },
  sockets: Iterable<number>,
): Set<string> | undefined {
  if (!proof || proof.bootId !== expected.bootId || proof.procRoot !== expected.procRoot)
    return undefined;
  const age = expected.now - proof.at;
  if (!(age >= 0 && age <= HIDDEN_PROOF_MAX_AGE_MS)) return undefined;
  const proven = new Set(proof.sockets);
  for (const inode of sockets) if (!proven.has(inode)) return undefined;
  return new Set(proof.readers);
}

/** A store in this process's memory. */
export function memoryProofStore(): HiddenProofStore {
  let kept: HiddenProof | undefined;
  return {
    load: () => kept,
    save: (proof) => {
      kept = proof;
    },
  };
}

function isProof(value: unknown): value is HiddenProof {
  const p = value as HiddenProof;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.bootId === 'string' &&
    typeof p.procRoot === 'string' &&
    typeof p.at === 'number' &&
    Array.isArray(p.sockets) &&
    p.sockets.every((s) => Number.isSafeInteger(s)) &&
    Array.isArray(p.readers) &&
    p.readers.every((r) => typeof r === 'string') &&
    (p.savedAtTicks === undefined || Number.isSafeInteger(p.savedAtTicks))
  );
}

/**
 * A store in a JSON file, so separate processes (each `portier ls`) share it. A missing,
 * unreadable or malformed file is no proof; a failed write is ignored: the proof only saves
 * time, and a listing must not fail for it.
 */
export function fileProofStore(path: string): HiddenProofStore {
  return {
    load() {
      try {
        const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
        return isProof(value) ? value : undefined;
      } catch {
        return undefined;
      }
    },
    save(proof) {
      try {
        writeFileAtomic(path, JSON.stringify(proof));
      } catch {
        // A read-only or full state directory costs the next search time, nothing else.
      }
    },
  };
}
