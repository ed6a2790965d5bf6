import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { deadPort, listen, tlsFixture } from '../helpers/servers.js';
import { startProxy } from './path-proxy-fixtures.js';
import { acceptKey, openUpgrade, startWsBackend } from './path-proxy-ws-fixtures.js';

describe('path proxy: WebSocket upgrades', () => {
  it('round-trips frames through the proxy after the backend 101', async () => {
    const backend = await startWsBackend();
    const { port } = await startProxy([`/ws=ws://127.0.0.1:${backend.port}`]);
    const ws = await openUpgrade(port, '/ws/chat?room=1');
    expect(ws.status).toBe(101);
    const key = String(backend.handshakes[0]!.headers['sec-websocket-key']);
    expect(ws.head).toContain(`Sec-WebSocket-Accept: ${acceptKey(key)}`);
    ws.send('hello');
    expect(await ws.nextFrame()).toEqual({ opcode: 1, text: 'echo:hello' });
    ws.send('x'.repeat(300));
    expect((await ws.nextFrame()).text).toBe(`echo:${'x'.repeat(300)}`);
  });

  it('sends the backend the path, Host, X-Forwarded-* and Connection: Upgrade', async () => {
    const backend = await startWsBackend();
    const { port } = await startProxy([`/ws=http://127.0.0.1:${backend.port}`]);
    await openUpgrade(port, '/ws/chat?room=1', {
      headers: ['X-Forwarded-For', '6.6.6.6', 'Keep-Alive', 'timeout=9', 'Origin', 'http://app'],
    });
    const { url, headers } = backend.handshakes[0]!;
    expect(url).toBe('/ws/chat?room=1');
    expect(headers).toMatchObject({
      host: `127.0.0.1:${backend.port}`,
      connection: 'Upgrade',
      upgrade: 'websocket',
      'x-forwarded-host': `127.0.0.1:${port}`,
      'x-forwarded-proto': 'http',
      origin: 'http://app',
      'sec-websocket-version': '13',
    });
    expect(headers['x-forwarded-for']).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect(headers['keep-alive']).toBeUndefined();
  });

  it('forwards frames sent with the handshake (the upgrade head) before anything else', async () => {
    const backend = await startWsBackend();
    const { port } = await startProxy([`/ws=ws://127.0.0.1:${backend.port}`]);
    const ws = await openUpgrade(port, '/ws', { early: ['early-1', 'early-2'] });
    expect(ws.status).toBe(101);
    expect(await ws.nextFrame()).toEqual({ opcode: 1, text: 'echo:early-1' });
    expect(await ws.nextFrame()).toEqual({ opcode: 1, text: 'echo:early-2' });
  });

  it('strips the prefix for the upgrade too', async () => {
    const backend = await startWsBackend();
    const { port } = await startProxy([
      { prefix: '/live', target: new URL(`ws://127.0.0.1:${backend.port}/socket`), strip: true },
    ]);
    await openUpgrade(port, '/live/feed');
    expect(backend.handshakes[0]!.url).toBe('/socket/feed');
  });

  it('closes both sides when the backend ends the connection', async () => {
    const backend = await startWsBackend();
    const { port } = await startProxy([`/ws=ws://127.0.0.1:${backend.port}`]);
    const ws = await openUpgrade(port, '/ws');
    ws.send('', 0x8);
    expect((await ws.nextFrame()).opcode).toBe(0x8);
    await ws.closed;
  });

  it('closes the backend side when the client goes away', async () => {
    const backend = await startWsBackend();
    const { port } = await startProxy([`/ws=ws://127.0.0.1:${backend.port}`]);
    const ws = await openUpgrade(port, '/ws');
    const [serverSide] = [...backend.sockets];
    const serverClosed = new Promise((resolve) => serverSide!.once('close', resolve));
    ws.socket.destroy();
    await serverClosed;
  });

  it('tears down open tunnels on close()', async () => {
    const backend = await startWsBackend();
    const { port, proxy } = await startProxy([`/ws=ws://127.0.0.1:${backend.port}`]);
    const ws = await openUpgrade(port, '/ws');
    proxy.close();
    await ws.closed;
  });

  it('answers an upgrade to a dead backend with a 502 on the socket, then closes it', async () => {
    const dead = await deadPort();
    const { port } = await startProxy([`/ws=ws://127.0.0.1:${dead}`]);
    const ws = await openUpgrade(port, '/ws');
    expect(ws.status).toBe(502);
    expect(ws.head).toContain('Connection: close');
    const body = await ws.closed;
    expect(body).toContain(`ws://127.0.0.1:${dead}/`);
    expect(body).toContain('ECONNREFUSED');
  });

  it('answers 504 when the backend accepts the upgrade connection and never answers', async () => {
    const silent = await listen(
      createNetServer((socket) => {
        socket.on('error', () => {});
        socket.resume();
      }),
    );
    const { port } = await startProxy([`/ws=ws://127.0.0.1:${silent}`], { timeoutMs: 200 });
    const ws = await openUpgrade(port, '/ws');
    expect(ws.status).toBe(504);
    expect(await ws.closed).toContain('200 ms');
  });

  it('answers 504 when the backend connection is not accepted in time', async () => {
    const { port } = await startProxy(['/ws=ws://127.0.0.1:9'], {
      connectTimeoutMs: 100,
      dial: () => Object.assign(new Socket(), { connecting: true }),
    });
    const ws = await openUpgrade(port, '/ws');
    expect(ws.status).toBe(504);
    expect(await ws.closed).toContain('did not accept the connection within 100 ms');
  });

  it('relays a declined upgrade, then closes instead of tunnelling more requests', async () => {
    // A plain node:http backend: no 'upgrade' listener, so it answers like any request and
    // keeps the connection alive; later requests on it must not bypass the prefix.
    const server = createHttpServer((_req, res) =>
      res.writeHead(403, { 'Content-Length': '2' }).end('no'),
    );
    server.keepAliveTimeout = 60_000; // longer than the test: only the proxy can close it
    const backend = await listen(server);
    const { port } = await startProxy([`/ws=ws://127.0.0.1:${backend}`]);
    const ws = await openUpgrade(port, '/ws');
    expect(ws.status).toBe(403);
    expect(await ws.closed).toBe('no');
  });

  it('tunnels to a wss backend over TLS when its certificate is trusted via ca', async () => {
    const cert = tlsFixture('localhost.crt');
    const backend = await startWsBackend({ tls: { key: tlsFixture('localhost.key'), cert } });
    const { port } = await startProxy([`/ws=wss://127.0.0.1:${backend.port}`], { ca: cert });
    const ws = await openUpgrade(port, '/ws');
    expect(ws.status).toBe(101);
    ws.send('over tls');
    expect((await ws.nextFrame()).text).toBe('echo:over tls');
  });
});
