import { connect, createServer } from 'node:net';

/** One echo round trip on a loopback address. */
export interface EchoResult {
  address: string;
  ok: boolean;
  /** Connect + send + echo, in ms. */
  roundTripMs?: number;
  /** The errno when it failed (`EADDRNOTAVAIL` when IPv6 is off). */
  error?: string;
}

/** Largest time an echo may take, in ms; loopback answers in well under one. */
const ECHO_TIMEOUT_MS = 2_000;

/**
 * The "ping 127.0.0.1" of the stack: binds a server on `address` port 0, connects, sends a
 * line and times its echo. Everything is closed before it resolves.
 */
export function loopbackEcho(address: string): Promise<EchoResult> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.pipe(socket));
    const timer = setTimeout(
      () => finish({ address, ok: false, error: 'ETIMEDOUT' }),
      ECHO_TIMEOUT_MS,
    );
    function finish(result: EchoResult) {
      clearTimeout(timer);
      server.close(() => resolve(result));
      server.unref();
    }
    server.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ address, ok: false, error: error.code ?? error.message });
    });
    server.listen({ host: address, port: 0 }, () => {
      const { port } = server.address() as { port: number };
      const started = performance.now();
      const socket = connect({ host: address, port });
      socket.once('error', (error: NodeJS.ErrnoException) =>
        finish({ address, ok: false, error: error.code ?? error.message }),
      );
      socket.once('connect', () => socket.write('portier\n'));
      socket.once('data', () => {
        const roundTripMs = Math.round((performance.now() - started) * 1000) / 1000;
        socket.destroy();
        finish({ address, ok: true, roundTripMs });
      });
    });
  });
}
