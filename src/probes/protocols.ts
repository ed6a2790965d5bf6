import type { TargetKind } from '../net/target.js';
import type { ProtocolProbe } from './types.js';

/** Loads the probe for a protocol; one file per protocol under probes/protocols/. */
export async function loadProtocol(kind: TargetKind): Promise<ProtocolProbe> {
  switch (kind) {
    case 'tcp':
      return (await import('./protocols/tcp.js')).tcpProbe;
    case 'http':
    case 'https':
      return (await import('./protocols/http.js')).httpProbe;
    case 'tls':
      return (await import('./protocols/tls.js')).tlsProbe;
    case 'postgres':
      return (await import('./protocols/postgres.js')).postgresProbe;
    case 'redis':
      return (await import('./protocols/redis.js')).redisProbe;
    case 'mysql':
      return (await import('./protocols/mysql.js')).mysqlProbe;
  }
}
