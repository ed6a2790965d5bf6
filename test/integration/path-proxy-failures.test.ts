import { Agent, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { deadPort, listen, tlsFixture } from '../helpers/servers.js';
import { send, startProxy } from './path-proxy-fixtures.js';

/** A backend that accepts connections and never answers; resolves each socket as it closes. */
async function silentBackend() {
  const closed: Promise<void>[] = [];
  let onAccept: (socket: Socket) => void = () => {};
  const accepted = new Promise<Socket>((resolve) => {
    onAccept = resolve;
  });
  const server = createNetServer((socket) => {
    socket.on('error', () => {});
    socket.resume(); // read (and drop) the request, so the peer's FIN is seen as 'end'
    closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
    onAccept(socket);
  });
  return { port: await listen(server), accepted, closed };
}

describe('path proxy: failures', () => {
  it('answers 502 at once when the backend is down, naming it, the prefix and the errno', async () => {
    const port = await deadPort();
    const proxy = await startProxy([`/api=http://127.0.0.1:${port}`], { connectTimeoutMs: 2_000 });
    const started = performance.now();
    const res = await send(proxy.port, '/api/users', { headers: ['Accept', '*/*'] });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toContain(`http://127.0.0.1:${port}/`);
    expect(res.body).toContain('/api');
    expect(res.body).toContain('ECONNREFUSED');
    expect(res.body).toContain(`portier doctor http://127.0.0.1:${port}`);
  });

  it('answers the 502 as an HTML page to a browser', async () => {
    const port = await deadPort();
    const proxy = await startProxy([`/api=http://127.0.0.1:${port}`]);
    const res = await send(proxy.port, '/api', {
      headers: ['Accept', 'text/html,application/xhtml+xml,*/*;q=0.8'],
    });
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<h1>502 Bad Gateway</h1>');
    expect(res.body).toContain(`<code>http://127.0.0.1:${port}/</code>`);
    expect(res.body).toContain('<code>ECONNREFUSED</code>');
  });

  it('drains a refused POST body and keeps serving on the same connection', async () => {
    const port = await deadPort();
    const proxy = await startProxy([`/api=http://127.0.0.1:${port}`]);
    let connections = 0;
    proxy.server.on('connection', () => {
      connections += 1;
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => agent.destroy());
    const body = ['x'.repeat(200_000)];
    const first = await send(proxy.port, '/api', { method: 'POST', body, agent });
    const second = await send(proxy.port, '/api', { method: 'POST', body, agent });
    expect([first.status, second.status]).toEqual([502, 502]);
    expect(connections).toBe(1);
  });

  it('answers 504 when the backend accepts and never answers, at timeoutMs', async () => {
    const backend = await silentBackend();
    const proxy = await startProxy([`/slow=http://127.0.0.1:${backend.port}`], { timeoutMs: 300 });
    const started = performance.now();
    const res = await send(proxy.port, '/slow');
    const elapsed = performance.now() - started;
    expect(res.status).toBe(504);
    expect(res.body).toContain('ETIMEDOUT');
    expect(res.body).toContain('300 ms');
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(5_000);
    await Promise.all(backend.closed); // the proxy hung up on the backend too
  });

  it('answers 504 when a connection is not accepted within connectTimeoutMs', async () => {
    // A dialler whose socket never connects: what a backend behind a dropping firewall does.
    const proxy = await startProxy(['/api=http://127.0.0.1:9'], {
      connectTimeoutMs: 200,
      dial: () => Object.assign(new Socket(), { connecting: true }),
    });
    const res = await send(proxy.port, '/api');
    expect(res.status).toBe(504);
    expect(res.body).toContain('did not accept the connection within 200 ms');
  });

  it('cuts the client connection when the backend dies mid-body (chunked)', async () => {
    const backend = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('first half, ');
        setImmediate(() => res.socket?.destroy());
      }),
    );
    const proxy = await startProxy([`/api=http://127.0.0.1:${backend}`]);
    const res = await send(proxy.port, '/api');
    expect(res.status).toBe(200);
    expect(res.complete).toBe(false);
    expect(res.error?.code).toBe('ECONNRESET');
  });

  it('cuts the client connection when the backend dies mid-body (Content-Length)', async () => {
    const backend = await listen(
      createNetServer((socket) => {
        socket.on('error', () => {});
        socket.once('data', () => {
          socket.write(
            'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly forty of the hundred bytes promised',
          );
          setImmediate(() => socket.destroy());
        });
      }),
    );
    const proxy = await startProxy([`/api=http://127.0.0.1:${backend}`]);
    const res = await send(proxy.port, '/api');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('100');
    expect(res.complete).toBe(false);
    expect(res.body.length).toBeLessThan(100);
  });

  it('destroys the backend request when the client goes away', async () => {
    const backend = await silentBackend();
    const proxy = await startProxy([`/api=http://127.0.0.1:${backend.port}`]);
    const client = new Socket();
    client.on('error', () => {});
    client.connect(proxy.port, '127.0.0.1', () => {
      client.write(`GET /api HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\n\r\n`);
    });
    await backend.accepted;
    client.destroy();
    await Promise.all(backend.closed); // would hang (and time out) on a leak
  });

  it('answers 503 after close() without dialling the backend', async () => {
    const backend = await silentBackend();
    const proxy = await startProxy([`/api=http://127.0.0.1:${backend.port}`]);
    proxy.proxy.close();
    const res = await send(proxy.port, '/api');
    expect(res.status).toBe(503);
    expect(backend.closed).toHaveLength(0);
  });

  it('answers 502 naming the TLS error for an https backend with an untrusted certificate', async () => {
    const key = tlsFixture('localhost.key');
    const cert = tlsFixture('localhost.crt');
    const backend = await listen(createHttpsServer({ key, cert }, (_req, res) => res.end('ok')));
    const proxy = await startProxy([`/s=https://127.0.0.1:${backend}`]);
    const res = await send(proxy.port, '/s');
    expect(res.status).toBe(502);
    expect(res.body).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('reaches an https backend whose certificate is given as ca', async () => {
    const key = tlsFixture('localhost.key');
    const cert = tlsFixture('localhost.crt');
    const backend = await listen(
      createHttpsServer({ key, cert }, (req, res) => res.end(`secure ${req.url}`)),
    );
    const proxy = await startProxy([`/s=https://127.0.0.1:${backend}`], { ca: cert });
    const res = await send(proxy.port, '/s/x');
    expect(res).toMatchObject({ status: 200, body: 'secure /s/x' });
  });
});
