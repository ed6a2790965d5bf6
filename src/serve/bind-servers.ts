import type { Server } from 'node:http';

/** Where a server ended up listening. */
export interface BoundAddress {
  address: string;
  family: 'ipv4' | 'ipv6';
  port: number;
}

/** Why a bind failed: the errno code (EADDRINUSE, EACCES, EADDRNOTAVAIL…). */
export class BindError extends Error {
  constructor(
    readonly code: string,
    readonly host: string,
    readonly port: number,
  ) {
    super(`listen ${code} ${host}:${port}`);
  }
}

function listenOne(server: Server, host: string, port: number): Promise<BoundAddress> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(new BindError(error.code ?? 'EUNKNOWN', host, port));
    server.once('error', onError);
    // exclusive: never share a port with another process through a cluster primary.
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      const a = server.address();
      if (a === null || typeof a === 'string') return reject(new BindError('EUNKNOWN', host, port));
      resolve({ address: a.address, family: a.family === 'IPv6' ? 'ipv6' : 'ipv4', port: a.port });
    });
  });
}

/**
 * Binds each server to one host on the same port (port 0: the port the first bind got). All
 * or nothing: when one bind fails, those already bound are closed and the error is thrown. A
 * host that does not exist here (::1 with IPv6 off) is skipped when `optional` says so.
 */
export async function bindServers(
  servers: readonly Server[],
  hosts: readonly string[],
  port: number,
  optional: (host: string, code: string) => boolean,
): Promise<BoundAddress[]> {
  const bound: BoundAddress[] = [];
  let chosen = port;
  try {
    for (let i = 0; i < hosts.length; i++) {
      try {
        const b = await listenOne(servers[i]!, hosts[i]!, chosen);
        bound.push(b);
        chosen = b.port;
      } catch (error) {
        if (error instanceof BindError && optional(hosts[i]!, error.code)) continue;
        throw error;
      }
    }
    return bound;
  } catch (error) {
    await Promise.all(
      servers.filter((s) => s.listening).map((s) => new Promise((r) => s.close(r))),
    );
    throw error;
  }
}
