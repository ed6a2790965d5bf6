// Background load for `npm run bench`: LISTENERS listeners on 127.0.0.1 (port 0), and
// CONNECTIONS idle established loopback connections to the first of them. Both ends of every
// connection live in this process, so CONNECTIONS connections are 2 × CONNECTIONS ESTABLISHED
// sockets (and rows in /proc/net/tcp) and as many fds.
// Prints one JSON line when ready; resets its connections and exits when stdin closes (the bench ended or died), on
// SIGTERM, or after MAX_LIFETIME_MS whatever happens.
import { connect, createServer } from 'node:net';

const LISTENERS = Number(process.argv[2] ?? 200);
const CONNECTIONS = Number(process.argv[3] ?? 2000);
/** Clients connecting at once; stays well under the accept backlog. */
const CONNECT_BATCH = 100;
/** A bench that hangs must not leave this process behind. */
const MAX_LIFETIME_MS = 10 * 60_000;
const HOST = '127.0.0.1';

const sockets = [];
let accepted = 0;
let onAccept = () => {};

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: HOST, port: 0, backlog: 1024 }, () => resolve(server.address().port));
  });
}

function openClient(port) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: HOST, port }, () => resolve(socket));
    socket.once('error', reject);
    sockets.push(socket);
  });
}

async function main() {
  const servers = [];
  const ports = [];
  for (let i = 0; i < LISTENERS; i++) {
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      accepted++;
      onAccept();
    });
    servers.push(server);
    ports.push(await listen(server));
  }
  const busyPort = ports[0];
  for (let opened = 0; opened < CONNECTIONS; opened += CONNECT_BATCH) {
    const batch = [];
    for (let i = opened; i < Math.min(opened + CONNECT_BATCH, CONNECTIONS); i++)
      batch.push(openClient(busyPort));
    await Promise.all(batch);
  }
  // Every client connected; wait until the server side accepted them all too.
  await new Promise((resolve) => {
    onAccept = () => accepted >= CONNECTIONS && resolve();
    onAccept();
  });
  process.stdout.write(
    `${JSON.stringify({
      pid: process.pid,
      ports,
      busyPort,
      quietPort: ports[ports.length - 1],
      connections: CONNECTIONS,
      establishedSockets: CONNECTIONS * 2,
    })}\n`,
  );
}

/**
 * Resets every connection (SO_LINGER 0) before exiting: a plain close would leave thousands of
 * sockets in TIME_WAIT for 60 s, and the next bench run would read them in /proc/net/tcp.
 */
function shutdown() {
  for (const socket of sockets) {
    if (!socket.destroyed) socket.resetAndDestroy();
  }
  process.exit(0);
}

process.on('SIGTERM', shutdown);
process.stdin.on('end', shutdown);
process.stdin.on('close', shutdown);
process.stdin.resume();
setTimeout(() => process.exit(3), MAX_LIFETIME_MS).unref();

main().catch((error) => {
  process.stderr.write(`load-server: ${error.stack ?? error}\n`);
  process.exit(1);
});
