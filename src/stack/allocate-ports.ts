import { isFreeOnLoopback, LOOPBACK_HOSTS } from '../ports/bind-probe.js';
import { pickPort } from '../ports/pick-port.js';
import { whoHolds } from '../sockets/who-holds.js';
import type { ResolvedService } from './config/types.js';

/**
 * Leases last as long as the supervisor: they die with it (the ledger prunes dead owners), so
 * the time-to-live only has to outlast any stack session.
 */
const STACK_LEASE_TTL_MS = 365 * 24 * 3_600_000;

/** Options of {@link allocatePorts}. */
export interface AllocatePortsOptions {
  project: string;
  /** Global state dir (the lease ledger). */
  stateDir: string;
  /** Ports given last time, by service: preferred again while free. */
  remembered: Readonly<Record<string, number>>;
  procRoot?: string;
}

/** The port of each service, or why it could not have one. */
export interface PortAllocation {
  ports: Record<string, number>;
  /** Services whose fixed port is taken, with a sentence naming the holder. */
  problems: Record<string, string>;
}

async function describeHolder(port: number, procRoot?: string): Promise<string> {
  const holders = await whoHolds(port, procRoot ? { procRoot } : {}).catch(() => undefined);
  const proc = holders?.listeners.flatMap((l) => l.processes)[0];
  if (!proc) return `port ${port} is in use`;
  return `port ${port} is held by ${proc.name ?? 'a process'} (pid ${proc.pid}); stop it with \`portier kill ${port}\` or use \`port: auto\``;
}

/**
 * Gives each service with `port: auto` a leased loopback port, free on 127.0.0.1 and ::1 and
 * never leased to another portier process; the one it had last time while that is free.
 * A fixed port is checked, not leased: the user chose it.
 */
export async function allocatePorts(
  services: readonly ResolvedService[],
  options: AllocatePortsOptions,
): Promise<PortAllocation> {
  const ports: Record<string, number> = {};
  const problems: Record<string, string> = {};
  const fixed = services.flatMap((s) => (typeof s.port === 'number' ? [s.port] : []));
  for (const service of services) {
    if (typeof service.port === 'number') {
      if (await isFreeOnLoopback(service.port, LOOPBACK_HOSTS)) ports[service.name] = service.port;
      else problems[service.name] = await describeHolder(service.port, options.procRoot);
      continue;
    }
    if (service.port !== 'auto') continue;
    const prefer = options.remembered[service.name];
    const picked = await pickPort({
      ...(prefer === undefined ? {} : { prefer }),
      stateDir: options.stateDir,
      ttlMs: STACK_LEASE_TTL_MS,
      label: `${options.project}/${service.name}`,
      exclude: [...fixed, ...Object.values(ports)],
      ...(options.procRoot ? { procRoot: options.procRoot } : {}),
    });
    ports[service.name] = picked.port;
  }
  return { ports, problems };
}
