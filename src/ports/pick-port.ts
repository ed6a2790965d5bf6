import { PortierError } from '../errors.js';
import { isBrowserBlockedPort } from '../net/browser-blocked-ports.js';
import { type PortRange, validatePort, validatePortRange } from '../net/port-number.js';
import { resolveStateDir } from '../state/state-dir.js';
import { isFreeOnLoopback, LOOPBACK_HOSTS } from './bind-probe.js';
import { type EphemeralRange, readEphemeralRange } from './kernel-port-settings.js';
import { type Lease, updateLedger } from './lease-ledger.js';
import { LISTENING_PORTS_TTL_MS, listeningPorts } from './listening-ports.js';
import { identifyProcess } from './process-liveness.js';

/** How long a lease lasts by default, in ms. */
export const DEFAULT_LEASE_TTL_MS = 60_000;
/** Dynamic range of RFC 6335. */
const DYNAMIC_RANGE: PortRange = { from: 49152, to: 65535 };
/** Smallest remainder of the dynamic range worth using as the default, in ports. */
const MIN_DEFAULT_RANGE_PORTS = 256;

/** Options of {@link pickPort}; all optional. */
export interface PickPortOptions {
  /** Try this port first; used when free. */
  prefer?: number;
  /** Ports to choose from, inclusive. Default: {@link defaultPickRange}. */
  range?: PortRange;
  /** How many distinct ports. Default 1. */
  count?: number;
  /** Record leases in the cross-process ledger. Default `true`. */
  lease?: boolean;
  /** State directory holding the ledger. Default: {@link resolveStateDir} without env. */
  stateDir?: string;
  /** Pid the leases belong to; they die with it. Default: this process. */
  owner?: number;
  /** Lease lifetime in ms. Default {@link DEFAULT_LEASE_TTL_MS}. */
  ttlMs?: number;
  /** What the port is for, stored with the lease. */
  label?: string;
  /** Never return these ports. */
  exclude?: readonly number[];
  /**
   * Reuse a socket-table read this recent, in ms. Default {@link LISTENING_PORTS_TTL_MS} (500);
   * 0 reads the table on every call.
   */
  tableMaxAgeMs?: number;
  procRoot?: string;
  platform?: NodeJS.Platform;
}

/** What {@link pickPort} found. */
export interface PickResult {
  /** The first picked port. */
  port: number;
  /** Every picked port, `count` of them. */
  ports: number[];
  /** The leases taken (empty with `lease: false`). */
  leases: Lease[];
  /** The range searched. */
  range: PortRange;
}

/**
 * The default range: the part of the dynamic range (49152–65535) the OS does not use for
 * outgoing connections, so a picked port cannot be taken by a client socket before the server
 * binds it. Linux's default 32768–60999 leaves 61000–65535.
 */
export function defaultPickRange(ephemeral: EphemeralRange): PortRange {
  const above = { from: Math.max(ephemeral.to + 1, DYNAMIC_RANGE.from), to: DYNAMIC_RANGE.to };
  if (above.to - above.from + 1 >= MIN_DEFAULT_RANGE_PORTS) return above;
  const below = { from: DYNAMIC_RANGE.from, to: Math.min(ephemeral.from - 1, DYNAMIC_RANGE.to) };
  if (below.to - below.from + 1 >= MIN_DEFAULT_RANGE_PORTS) return below;
  return DYNAMIC_RANGE;
}

/** Candidate order: the preferred port, then the range from a random start, wrapping once. */
export function* candidatePorts(
  range: PortRange,
  prefer: number | undefined,
  random = Math.random,
): Generator<number> {
  if (prefer !== undefined) yield prefer;
  const size = range.to - range.from + 1;
  const start = Math.floor(random() * size);
  for (let i = 0; i < size; i++) {
    const port = range.from + ((start + i) % size);
    if (port !== prefer) yield port;
  }
}

async function findFree(
  options: PickPortOptions,
  range: PortRange,
  taken: Set<number>,
): Promise<number[]> {
  const count = options.count ?? 1;
  const busy = listeningPorts(options.procRoot, options.platform, options.tableMaxAgeMs);
  const ports: number[] = [];
  for (const port of candidatePorts(range, options.prefer)) {
    if (taken.has(port) || busy.has(port) || isBrowserBlockedPort(port)) continue;
    if (!(await isFreeOnLoopback(port, LOOPBACK_HOSTS))) continue;
    ports.push(port);
    taken.add(port);
    if (ports.length === count) return ports;
  }
  throw new PortierError(
    'NO_FREE_PORT',
    `No free port in ${range.from}-${range.to}: found ${ports.length} of ${count}.`,
    {
      hint: 'Widen the range with --range, or free ports with `portier ls` and `portier kill`.',
    },
  );
}

function validatePickOptions(options: PickPortOptions): void {
  if (options.prefer !== undefined) validatePort(options.prefer, 'preferred port');
  if (options.range) validatePortRange(options.range);
  const count = options.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new PortierError(
      'INVALID_OPTION',
      `Invalid count ${count}: expected a whole number from 1 to 1000.`,
    );
  }
}

/**
 * Picks ports free on 127.0.0.1 and ::1 (bind probes on both, plus the listener table), not
 * browser-blocked and not leased to another process. With the ledger (default), concurrent
 * callers in any number of processes never receive the same port.
 */
export async function pickPort(options: PickPortOptions = {}): Promise<PickResult> {
  validatePickOptions(options);
  const platform = options.platform ?? process.platform;
  const range = options.range ?? defaultPickRange(readEphemeralRange(options.procRoot, platform));
  const taken = new Set(options.exclude ?? []);
  if (options.lease === false) {
    const ports = await findFree(options, range, taken);
    return { port: ports[0]!, ports, leases: [], range };
  }
  const owner = options.owner ?? process.pid;
  const identity = identifyProcess(owner, options.procRoot) ?? { pid: owner };
  const stateDir = options.stateDir ?? resolveStateDir();
  return updateLedger({ stateDir, procRoot: options.procRoot }, async (leases) => {
    for (const lease of leases) taken.add(lease.port);
    const ports = await findFree(options, range, taken);
    const expiresAt = Date.now() + (options.ttlMs ?? DEFAULT_LEASE_TTL_MS);
    const fresh = ports.map((port): Lease => {
      const lease: Lease = { port, pid: owner, expiresAt };
      if (identity.startTime !== undefined) lease.startTime = identity.startTime;
      if (options.label) lease.label = options.label;
      return lease;
    });
    return {
      leases: [...leases, ...fresh],
      result: { port: ports[0]!, ports, leases: fresh, range },
    };
  });
}
