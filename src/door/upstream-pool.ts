/**
 * Keep-alive connections to upstreams, pooled per upstream address and port. Idle connections
 * are reused newest first (the one least likely to have been closed by the upstream meanwhile)
 * and closed after an idle timeout shorter than Node's default server keep-alive (5 s), so the
 * door rarely writes to a socket the upstream is closing.
 */
import type { Upstream } from './types.js';
import { type ConnectionOwner, UpstreamConnection } from './upstream-connection.js';

/** Options of {@link createUpstreamPool}. */
export interface UpstreamPoolOptions {
  /** Idle connections kept per upstream; more are closed on release. */
  maxIdlePerUpstream: number;
  /** How long a connection may sit idle in the pool before it is closed, ms. */
  idleTimeoutMs: number;
  /** Largest response head accepted from an upstream, bytes (0: Node's default, 16 KiB). */
  maxHeaderBytes: number;
}

/** Connections to every upstream the door forwards to. */
export interface UpstreamPool {
  /** An idle connection to `upstream`, or a new one (connecting; writes are queued). */
  acquire(upstream: Upstream): UpstreamConnection;
  /** A new connection that skips the pool (a retry after a stale one). */
  dial(upstream: Upstream): UpstreamConnection;
  /** A new connection whose socket may be handed over to a tunnel by a 101. */
  dialForUpgrade(upstream: Upstream): UpstreamConnection;
  /** Connections open now, busy and idle; for tests and `door status`. */
  readonly size: number;
  /** Destroys every connection, busy ones too. */
  destroy(): void;
}

/** Builds an empty pool. */
export function createUpstreamPool(options: UpstreamPoolOptions): UpstreamPool {
  // port → address → idle connections (a stack); no key strings built per request.
  const idle = new Map<number, Map<string, UpstreamConnection[]>>();
  const all = new Set<UpstreamConnection>();

  const stackOf = (upstream: Upstream): UpstreamConnection[] => {
    let byAddress = idle.get(upstream.port);
    if (!byAddress) {
      byAddress = new Map();
      idle.set(upstream.port, byAddress);
    }
    let stack = byAddress.get(upstream.address);
    if (!stack) {
      stack = [];
      byAddress.set(upstream.address, stack);
    }
    return stack;
  };

  const owner: ConnectionOwner = {
    release(connection) {
      const stack = stackOf(connection.upstream);
      if (stack.length >= options.maxIdlePerUpstream) return void connection.socket.destroy();
      connection.socket.setTimeout(options.idleTimeoutMs);
      stack.push(connection);
    },
    forget(connection) {
      all.delete(connection);
      const stack = idle.get(connection.upstream.port)?.get(connection.upstream.address);
      const at = stack ? stack.lastIndexOf(connection) : -1;
      if (at >= 0) stack!.splice(at, 1);
    },
  };

  const dial = (upstream: Upstream, forUpgrade = false): UpstreamConnection => {
    const connection = new UpstreamConnection(upstream, owner, options.maxHeaderBytes, forUpgrade);
    all.add(connection);
    return connection;
  };

  return {
    dial: (upstream) => dial(upstream),
    dialForUpgrade: (upstream) => dial(upstream, true),
    acquire(upstream) {
      const stack = idle.get(upstream.port)?.get(upstream.address);
      while (stack && stack.length > 0) {
        const connection = stack.pop()!;
        if (connection.usable) return connection;
        connection.socket.destroy();
      }
      return dial(upstream);
    },
    get size() {
      return all.size;
    },
    destroy() {
      for (const connection of all) connection.socket.destroy();
      all.clear();
      idle.clear();
    },
  };
}
