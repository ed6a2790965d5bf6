import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';

/** Closes a server and every connection it holds when the test ends. */
function closeOnFinish(server: Server, sockets: Set<Socket>): void {
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}

async function listen(server: Server): Promise<number> {
  server.listen({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/**
 * A TCP server on 127.0.0.1 (port 0) that runs `script` on each connection: the peer of a
 * probe, playing a state that a real server cannot be put in here on demand. Closed, with its
 * connections, when the test ends.
 */
export async function scriptedServer(script: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    script(socket);
  });
  closeOnFinish(server, sockets);
  return listen(server);
}

/** A plain node:http server answering 200, as a dev server on the wrong port would. */
export async function httpServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createHttpServer((_request, response) => response.end('hello\n'));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  closeOnFinish(server, sockets);
  return listen(server);
}

/** Writes `bytes` one byte per event-loop turn, so the peer sees one TCP segment per byte. */
export async function dribble(socket: Socket, bytes: Buffer): Promise<void> {
  for (const byte of bytes) {
    if (socket.destroyed) return;
    socket.write(Buffer.of(byte));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** A connected client socket to 127.0.0.1:port, destroyed when the test ends. */
export async function connectTo(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  onTestFinished(() => {
    socket.destroy();
  });
  await once(socket, 'connect');
  return socket;
}
