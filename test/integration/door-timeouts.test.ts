import { once } from 'node:events';
import { createServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  aliasRoute,
  echoUpstream,
  get,
  rawSend,
  scriptedUpstream,
  startTestDoor,
} from '../fixtures/door/door-harness.js';
import { listen } from '../helpers/servers.js';

/** A connected raw client, destroyed after the test. */
async function openClient(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  onTestFinished(() => {
    socket.destroy();
  });
  await once(socket, 'connect');
  return socket;
}

describe('front door: timeouts and limits', () => {
  it('cuts off a slowloris client at the headers timeout while others keep getting answers', async () => {
    const upstream = await echoUpstream();
    const door = await startTestDoor({
      routeList: [aliasRoute('api', upstream.port)],
      headersTimeoutMs: 1_000,
    });
    const slow = await openClient(door.port);
    const request = Buffer.from(
      `GET / HTTP/1.1\r\nHost: api.localhost\r\nX-Slow: ${'z'.repeat(60)}\r\n\r\n`,
    );
    let sent = 0;
    const dribble = setInterval(() => {
      if (slow.destroyed || sent >= request.length) return clearInterval(dribble);
      slow.write(request.subarray(sent, sent + 1));
      sent += 1;
    }, 200);
    onTestFinished(() => clearInterval(dribble));
    const started = Date.now();
    let answers = 0;
    const closed = new Promise((resolve) => slow.once('close', resolve));
    while (!slow.destroyed && Date.now() - started < 5_000) {
      expect((await get(door.port, '/')).status).toBe(200);
      answers += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await closed;
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3_000);
    expect(sent).toBeLessThan(request.length);
    expect(answers).toBeGreaterThan(5);
    expect(upstream.seen.every((s) => s.headers['x-slow'] === undefined)).toBe(true);
  });

  it('holds the connection cap: one more is closed at once, a freed slot is usable again', async () => {
    const upstream = await echoUpstream();
    const door = await startTestDoor({
      routeList: [aliasRoute('api', upstream.port)],
      maxConnections: 2,
    });
    const first = await openClient(door.port);
    await openClient(door.port);
    await new Promise((resolve) => setTimeout(resolve, 50)); // both accepted and counted
    const refused = await rawSend(
      door.port,
      'GET / HTTP/1.1\r\nHost: api.localhost\r\nConnection: close\r\n\r\n',
    );
    expect(refused.responses).toBe(0);
    expect(upstream.seen).toHaveLength(0);
    first.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await get(door.port, '/')).status).toBe(200);
  });

  it('answers 504 when the upstream accepts and never answers, at the upstream timeout', async () => {
    const upstream = await scriptedUpstream(() => {});
    const door = await startTestDoor({
      routeList: [aliasRoute('api', upstream.port)],
      upstreamTimeoutMs: 300,
    });
    const started = Date.now();
    const reply = await get(door.port, '/', { headers: ['Accept', 'text/html'] });
    const elapsed = Date.now() - started;
    expect(reply.status).toBe(504);
    expect(reply.body).toContain('sent no response within 300 ms');
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('an upstream dying mid-body cuts that client only; others get whole answers', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/dies') {
        res.writeHead(200, { 'Content-Length': 100_000 });
        res.write(Buffer.alloc(1_000, 'd'));
        setTimeout(() => res.socket?.destroy(), 50);
        return;
      }
      setTimeout(() => res.end('whole'), 100);
    });
    const port = await listen(server);
    const door = await startTestDoor({ routeList: [aliasRoute('api', port)] });
    const [dying, ...others] = await Promise.all([
      get(door.port, '/dies'),
      get(door.port, '/a'),
      get(door.port, '/b'),
      get(door.port, '/c'),
    ]);
    expect(dying!.status).toBe(200);
    expect(dying!.complete).toBe(false);
    expect(dying!.body.length).toBeLessThan(100_000);
    for (const other of others) expect(other.body).toBe('whole');
  });

  it('a client that leaves mid-response closes the upstream connection', async () => {
    let upstreamClosed: Promise<unknown> = Promise.resolve();
    const upstream = await scriptedUpstream((socket) => {
      upstreamClosed = once(socket, 'close');
      socket.once('data', () => {
        socket.write(
          'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n',
        );
        const tick = setInterval(() => socket.write('5\r\ntick\n\r\n'), 20);
        socket.once('close', () => clearInterval(tick));
      });
    });
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    const client = await openClient(door.port);
    client.write('GET /events HTTP/1.1\r\nHost: api.localhost\r\n\r\n');
    await once(client, 'data');
    client.destroy();
    await upstreamClosed;
    // The door's side of that connection closes on the same turn as the upstream's or the next.
    while (door.upstreamConnections > 0) await new Promise((resolve) => setImmediate(resolve));
    expect(door.upstreamConnections).toBe(0);
  });
});
