import { createServer } from 'node:net';

/**
 * Result of trying to bind a port on one address:
 * - `free`: the bind succeeded (and was released at once)
 * - `in-use`: EADDRINUSE
 * - `denied`: EACCES, a privileged port for this user
 * - `unavailable`: EADDRNOTAVAIL or EAFNOSUPPORT, the address does not exist here (IPv6 off)
 */
export type BindOutcome = 'free' | 'in-use' | 'denied' | 'unavailable';

/** Binds `host:port` for a moment to see whether a server could. Never binds a wildcard. */
export function probeBind(host: string, port: number): Promise<BindOutcome> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve('in-use');
      else if (error.code === 'EACCES' || error.code === 'EPERM') resolve('denied');
      else resolve('unavailable');
    });
    // exclusive: a cluster worker must probe for itself, not borrow the primary's handle.
    server.listen({ host, port, exclusive: true, backlog: 1 }, () => {
      server.close(() => resolve('free'));
    });
  });
}

/** Loopback addresses a picked port must be free on. */
export const LOOPBACK_HOSTS = ['127.0.0.1', '::1'] as const;

/**
 * True when `port` can be bound on 127.0.0.1 and on ::1. An address that does not exist
 * (IPv6 disabled) cannot conflict, so it does not make the port unusable.
 */
export async function isFreeOnLoopback(
  port: number,
  hosts: readonly string[] = LOOPBACK_HOSTS,
): Promise<boolean> {
  for (const host of hosts) {
    const outcome = await probeBind(host, port);
    if (outcome === 'in-use' || outcome === 'denied') return false;
  }
  return true;
}
