import type { StackStatus } from '../stack/types.js';
import type { Route } from './types.js';

/**
 * The front-door routes of a running stack: one per service with an HTTP address (databases
 * and services without a port have none), owned by the supervisor, with its control socket so
 * the door can hold requests while a service starts and explain one that crashed.
 */
export function routesOfStack(status: StackStatus, control: string, now = Date.now()): Route[] {
  return status.services.flatMap((service) =>
    service.url === undefined || service.port === undefined
      ? []
      : [
          {
            name: service.name,
            project: status.project,
            kind: 'stack' as const,
            upstream: { address: '127.0.0.1', port: service.port },
            owner: { pid: status.pid },
            control,
            since: now,
          },
        ],
  );
}
