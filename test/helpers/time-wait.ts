import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

/**
 * Leaves a real TIME_WAIT socket on a loopback port that nothing listens on any more, and
 * resolves with the port. The server accepts one connection and closes its side FIRST, so the
 * server's end (local port = the listening port) is the one that goes through TIME_WAIT
 * (RFC 793: the side that sends the first FIN waits 2×MSL); then the listener is closed.
 * Linux keeps the socket in TIME_WAIT for 60 s, far longer than any test.
 */
export async function createTimeWaitPort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = connect(port, host);
  const clientClosed = once(client, 'close');
  const [socket] = await accepted;
  const serverSideClosed = once(socket, 'close');
  socket.end(); // FIN from the server first; the client ends in reply (allowHalfOpen is false)
  await Promise.all([serverSideClosed, clientClosed]);
  server.close();
  await once(server, 'close');
  return port;
}
