import { createServer, type Server } from 'node:net';
import { onTestFinished } from 'vitest';

/** Listens in this process on host:port (0 = any) and closes when the test ends. */
export async function listenHere(
  host: string,
  port = 0,
): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, resolve);
  });
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}
