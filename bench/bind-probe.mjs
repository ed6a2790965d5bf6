// Is a port free on 127.0.0.1? The bench's own probe, so peers are judged by one yardstick.
import { createServer } from 'node:net';

/** Resolves true when `port` can be bound on 127.0.0.1 right now. */
export function canBind(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/** Polls {@link canBind} every `intervalMs` until the port is free or `timeoutMs` passes. */
export async function waitUntilFree(port, { intervalMs = 1, timeoutMs = 10_000 } = {}) {
  const deadline = performance.now() + timeoutMs;
  while (!(await canBind(port))) {
    if (performance.now() > deadline)
      throw new Error(`port ${port} still held after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * A port free on 127.0.0.1 right now: binds port 0, reads the port the kernel chose, closes.
 * Nothing holds it afterwards, so a waiter started next finds it refused.
 */
export function pickFreePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
