import { connect as netConnect, type Socket } from 'node:net';
import type { Family } from '../sockets/model.js';
import type { Attempt, AttemptOutcome } from './types.js';

/** Opens a TCP connection; injected so tests and the doctor can observe attempts. */
export type Connector = (options: { host: string; port: number; family: 4 | 6 }) => Socket;

const defaultConnector: Connector = (options) =>
  netConnect({ ...options, autoSelectFamily: false });

/** Maps a connect errno to an attempt outcome. */
export function classifyConnectError(code: string | undefined): AttemptOutcome {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return 'unreachable';
    case 'EPERM':
    case 'EACCES':
      return 'eperm';
    case 'EADDRNOTAVAIL':
    case 'EAFNOSUPPORT':
      return 'addrnotavail';
    case 'ECONNRESET':
      return 'reset-after-connect';
    default:
      return 'unreachable';
  }
}

/** A finished attempt, with the open socket when it connected. */
export interface ConnectResult {
  attempt: Attempt;
  socket?: Socket;
}

/**
 * One TCP connection attempt to one address with its own timeout. Never rejects: a refusal
 * or a timeout is an outcome, recorded with its time.
 */
export function connectAttempt(
  address: string,
  family: Family,
  port: number,
  timeoutMs: number,
  connector: Connector = defaultConnector,
): Promise<ConnectResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connector({ host: address, port, family: family === 'ipv6' ? 6 : 4 });
    const finish = (outcome: AttemptOutcome, errno?: string) => {
      clearTimeout(timer);
      socket.removeAllListeners('connect');
      const attempt: Attempt = {
        address,
        family,
        port,
        outcome,
        ms: Math.round((performance.now() - started) * 100) / 100,
      };
      if (errno) attempt.errno = errno;
      if (outcome === 'connected') {
        socket.removeAllListeners('error');
        // A reset can arrive before the exchange listens; it must not become an uncaught error.
        socket.on('error', () => {});
        resolve({ attempt, socket });
      } else {
        socket.removeAllListeners('error');
        socket.on('error', () => {});
        socket.destroy();
        resolve({ attempt });
      }
    };
    const timer = setTimeout(() => finish('timeout'), Math.max(1, timeoutMs));
    socket.once('connect', () => finish('connected'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish(classifyConnectError(error.code), error.code),
    );
  });
}
