import { createServer as createHttpServer, request, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { listen } from '../helpers/servers.js';
import {
  type EchoedRequest,
  headerNames,
  send,
  startEchoBackend,
  startProxy,
} from './path-proxy-fixtures.js';

const echoed = (body: string) => JSON.parse(body) as EchoedRequest;

describe('path proxy: HTTP forwarding', () => {
  it('forwards a GET with its path and query and streams the answer back', async () => {
    const backend = await startEchoBackend();
    const { port } = await startProxy([`/api=${backend.url}`]);
    const res = await send(port, '/api/users?page=2&q=a%20b');
    expect(res.status).toBe(200);
    expect(res.complete).toBe(true);
    expect(echoed(res.body)).toMatchObject({ method: 'GET', url: '/api/users?page=2&q=a%20b' });
    expect(backend.seen[0]!.headers.host).toBe(`127.0.0.1:${backend.port}`);
  });

  it('forwards a POST body with a length, and a chunked one of unknown length', async () => {
    const backend = await startEchoBackend();
    const { port } = await startProxy([`/api=${backend.url}`]);
    const sized = await send(port, '/api/items', {
      method: 'POST',
      headers: ['Content-Type', 'application/json', 'Content-Length', '11'],
      body: ['{"n":', '12345}'],
    });
    expect(echoed(sized.body)).toMatchObject({ method: 'POST', body: '{"n":12345}' });
    expect(backend.seen[0]!.headers['content-length']).toBe('11');
    const chunked = await send(port, '/api/items', {
      method: 'PUT',
      body: ['first ', 'second ', 'third'],
    });
    expect(echoed(chunked.body)).toMatchObject({ method: 'PUT', body: 'first second third' });
    expect(backend.seen[1]!.headers['transfer-encoding']).toBe('chunked');
  });

  it('forwards a chunked body on a GET too (Node would not chunk it by default)', async () => {
    const backend = await startEchoBackend();
    const { port } = await startProxy([`/api=${backend.url}`]);
    const res = await send(port, '/api/search', {
      headers: ['Transfer-Encoding', 'chunked'],
      body: ['{"q":', '"x"}'],
    });
    expect(echoed(res.body)).toMatchObject({ method: 'GET', body: '{"q":"x"}' });
  });

  it('overwrites forged X-Forwarded-* headers and sets Host to the backend', async () => {
    const backend = await startEchoBackend();
    const { port } = await startProxy([`/api=${backend.url}`]);
    await send(port, '/api', {
      headers: [
        'X-Forwarded-For',
        '6.6.6.6',
        'X-Forwarded-For',
        '7.7.7.7',
        'X-Forwarded-Host',
        'evil.example',
        'X-Forwarded-Proto',
        'https',
      ],
    });
    const { headers, rawHeaders } = backend.seen[0]!;
    expect(headers['x-forwarded-for']).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect(headers['x-forwarded-host']).toBe(`127.0.0.1:${port}`);
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers.host).toBe(`127.0.0.1:${backend.port}`);
    const names = headerNames(rawHeaders);
    expect(names.filter((name) => name === 'x-forwarded-for')).toHaveLength(1);
    expect(names.filter((name) => name === 'host')).toHaveLength(1);
  });

  it('strips hop-by-hop headers in both directions and keeps end-to-end ones', async () => {
    const backend = await startEchoBackend();
    const { port } = await startProxy([`/api=${backend.url}`]);
    const res = await send(port, '/api', {
      headers: [
        'Connection',
        'keep-alive, X-Hop-Request',
        'X-Hop-Request',
        'secret',
        'Keep-Alive',
        'timeout=300',
        'Proxy-Authorization',
        'Basic Zm9vOmJhcg==',
        'Proxy-Connection',
        'keep-alive',
        'TE',
        'trailers',
        'Upgrade',
        'h2c',
        'Cookie',
        'a=1',
        'Cookie',
        'b=2',
        'X-End-To-End',
        'kept',
      ],
    });
    const sent = headerNames(backend.seen[0]!.rawHeaders);
    for (const hop of [
      'x-hop-request',
      'keep-alive',
      'proxy-authorization',
      'proxy-connection',
      'te',
      'upgrade',
    ])
      expect(sent).not.toContain(hop);
    // The agent's own Connection: keep-alive is fine; the client's token list is not.
    expect(backend.seen[0]!.headers.connection).toBe('keep-alive');
    expect(backend.seen[0]!.headers['x-end-to-end']).toBe('kept');
    expect(backend.seen[0]!.headers.cookie).toBe('a=1; b=2');

    const received = headerNames(res.rawHeaders);
    for (const hop of ['x-hop-response', 'proxy-authenticate']) expect(received).not.toContain(hop);
    // The proxy's own server frames the connection: its Connection and Keep-Alive, not the backend's.
    expect(res.headers.connection).toBe('keep-alive');
    expect(res.headers['keep-alive']).not.toContain('99');
    expect(res.headers['x-end-to-end']).toBe('kept');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('strips the prefix when the route says so, and appends to the base path', async () => {
    const backend = await startEchoBackend();
    const { port } = await startProxy([
      { prefix: '/api', target: new URL(`${backend.url}/v1`), strip: true },
      { prefix: '/keep', target: new URL(`${backend.url}/v1`) },
    ]);
    await send(port, '/api/users?x=1');
    await send(port, '/api');
    await send(port, '/api?only=query');
    await send(port, '/keep/users?x=1');
    expect(backend.seen.map((request) => request.url)).toEqual([
      '/v1/users?x=1',
      '/v1',
      '/v1?only=query',
      '/v1/keep/users?x=1',
    ]);
  });

  it('does not match a longer word: /apix is not under /api', async () => {
    const backend = await startEchoBackend();
    const { port } = await startProxy([`/api=${backend.url}`]);
    const res = await send(port, '/apix');
    expect(res.status).toBe(404);
    expect(backend.seen).toHaveLength(0);
  });

  it('reaches an IPv6 backend at [::1] exactly as written', async () => {
    const backend = await startEchoBackend('::1');
    const { port } = await startProxy([`/v6=http://[::1]:${backend.port}/base`]);
    const res = await send(port, '/v6/x');
    expect(echoed(res.body).url).toBe('/base/v6/x');
    expect(backend.seen[0]!.headers.host).toBe(`[::1]:${backend.port}`);
  });

  it('passes HEAD through without a body', async () => {
    const backend = await startEchoBackend();
    const { port } = await startProxy([`/api=${backend.url}`]);
    const res = await send(port, '/api', { method: 'HEAD' });
    expect(res).toMatchObject({ status: 200, body: '', complete: true });
    expect(backend.seen[0]!.method).toBe('HEAD');
  });

  it('reuses one keep-alive connection to the backend for sequential requests', async () => {
    const backend = await startEchoBackend();
    const remotePorts = new Set<number>();
    backend.server.on('connection', (socket: Socket) => remotePorts.add(socket.remotePort ?? 0));
    const { port } = await startProxy([`/api=${backend.url}`]);
    for (let i = 0; i < 3; i += 1) expect((await send(port, `/api/${i}`)).status).toBe(200);
    expect(remotePorts.size).toBe(1);
  });

  it('retries a GET once when the backend reset its idle keep-alive socket (regression)', async () => {
    // A backend that answers the first request on each connection, keeps the connection open,
    // then resets it when a second request arrives: what a backend whose keep-alive timeout
    // just ran out looks like to the proxy.
    let connections = 0;
    const backend = createNetServer((socket) => {
      connections += 1;
      let answered = false;
      socket.on('error', () => {});
      socket.on('data', () => {
        if (answered) return void socket.resetAndDestroy();
        answered = true;
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
      });
    });
    const backendPort = await listen(backend);
    const { port } = await startProxy([`/api=http://127.0.0.1:${backendPort}`]);
    expect((await send(port, '/api/1')).status).toBe(200);
    const second = await send(port, '/api/2');
    expect(second).toMatchObject({ status: 200, body: 'ok' });
    expect(connections).toBe(2);
  });

  it('streams a started response chunk by chunk, past timeoutMs (server-sent events)', async () => {
    let stream: ServerResponse | undefined;
    let onStream: () => void = () => {};
    const streaming = new Promise<void>((resolve) => {
      onStream = resolve;
    });
    const backendPort = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.write('data: one\n\n');
        stream = res;
        onStream();
      }),
    );
    const { port } = await startProxy([`/events=http://127.0.0.1:${backendPort}`], {
      timeoutMs: 100,
    });
    const chunks: string[] = [];
    const ended = new Promise<boolean>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/events', agent: false }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          chunks.push(chunk);
          // The first event arrives while the backend still holds the response open.
          if (chunks.length === 1) setTimeout(() => stream!.end('data: two\n\n'), 250);
        });
        res.on('end', () => resolve(res.complete));
      });
      req.on('error', reject);
      req.end();
    });
    await streaming;
    expect(await ended).toBe(true);
    expect(chunks).toEqual(['data: one\n\n', 'data: two\n\n']);
  });
});
