import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { Agent, createServer } from 'node:http';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startDoor } from '../../src/door/door-server.js';
import {
  aliasRoute,
  echoUpstream,
  get,
  headerValues,
  rawSend,
  type Seen,
  scriptedUpstream,
  startTestDoor,
  testDecide,
} from '../fixtures/door/door-harness.js';
import { listen } from '../helpers/servers.js';

const run = promisify(execFile);

describe('front door: forwarding', () => {
  it('binds 127.0.0.1 and ::1 on one port, and nothing else', async () => {
    const door = await startDoor({
      port: 0,
      decide: () => ({ kind: 'dashboard' }),
      routes: () => [],
    });
    onTestFinished(() => door.close());
    const addresses = door.addresses.map((a) => a.address).sort();
    expect(addresses[0]).toBe('127.0.0.1');
    if (addresses.length > 1) expect(addresses[1]).toBe('::1');
    else console.log('::1 is not available here; the door bound 127.0.0.1 only');
    expect(new Set(door.addresses.map((a) => a.port))).toEqual(new Set([door.port]));
  });

  it('routes by Host to the upstream, path and query untouched, via curl --resolve', async () => {
    const upstream = await echoUpstream();
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    const { stdout } = await run('curl', [
      '-sS',
      '--resolve',
      `api.localhost:${door.port}:127.0.0.1`,
      `http://api.localhost:${door.port}/a/b?c=1&d=%2F`,
    ]);
    const seen = JSON.parse(stdout) as Seen;
    expect(seen.url).toBe('/a/b?c=1&d=%2F');
    expect(seen.headers.host).toBe(`api.localhost:${door.port}`);
  });

  it('never takes the upstream from the path: //evil.example/x is a path of the routed service', async () => {
    const upstream = await echoUpstream();
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    const reply = await get(door.port, '//evil.example/x');
    expect(reply.status).toBe(200);
    expect((JSON.parse(reply.body) as Seen).url).toBe('//evil.example/x');
  });

  it('accepts an absolute-form target naming the same host, sending its path', async () => {
    const upstream = await echoUpstream();
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    const reply = await rawSend(
      door.port,
      `GET http://api.localhost:${door.port}/p?q HTTP/1.1\r\nHost: api.localhost:${door.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(reply.status).toBe(200);
    expect(upstream.seen[0]!.url).toBe('/p?q');
  });

  it('overwrites X-Forwarded-For/-Host/-Port/-Proto, drops Forwarded, adds its loop marker', async () => {
    const upstream = await echoUpstream();
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    await get(door.port, '/', {
      headers: [
        'X-Forwarded-For',
        '6.6.6.6',
        'x-forwarded-host',
        'evil.example',
        'X-Forwarded-Port',
        '1',
        'X-Forwarded-Proto',
        'https',
        'Forwarded',
        'for=6.6.6.6',
      ],
    });
    const raw = upstream.seen[0]!.rawHeaders;
    expect(headerValues(raw, 'x-forwarded-for')).toEqual(['127.0.0.1']);
    expect(headerValues(raw, 'x-forwarded-host')).toEqual([`api.localhost:${door.port}`]);
    expect(headerValues(raw, 'x-forwarded-port')).toEqual([String(door.port)]);
    expect(headerValues(raw, 'x-forwarded-proto')).toEqual(['http']);
    expect(headerValues(raw, 'forwarded')).toEqual([]);
    expect(headerValues(raw, 'x-portier-door')).toEqual([door.id]);
    expect(headerValues(raw, 'host')).toEqual([`api.localhost:${door.port}`]);
  });

  it('strips hop-by-hop headers both ways, keeps the rest in order with their casing', async () => {
    const upstream = await echoUpstream('127.0.0.1', () => [
      200,
      [
        'Connection',
        'keep-alive, X-Hop',
        'X-Hop',
        'secret',
        'Keep-Alive',
        'timeout=99',
        'Proxy-Authenticate',
        'Basic',
        'Set-Cookie',
        'a=1',
        'Set-Cookie',
        'b=2',
        'X-Mixed-Case',
        'kept',
      ],
    ]);
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    const reply = await get(door.port, '/', {
      headers: [
        'Connection',
        'keep-alive, X-Client-Hop',
        'X-Client-Hop',
        '1',
        'TE',
        'trailers',
        'Proxy-Authorization',
        'x',
        'Cookie',
        'c=1',
        'X-Kept',
        'yes',
      ],
    });
    const sent = upstream.seen[0]!.rawHeaders;
    for (const name of ['x-client-hop', 'te', 'proxy-authorization', 'connection'])
      expect(headerValues(sent, name), name).toEqual([]);
    expect(headerValues(sent, 'cookie')).toEqual(['c=1']);
    expect(sent).toContain('X-Kept');
    for (const name of ['x-hop', 'proxy-authenticate'])
      expect(headerValues(reply.rawHeaders, name), name).toEqual([]);
    // The door's own keep-alive answer, not the upstream's.
    expect(headerValues(reply.rawHeaders, 'keep-alive')).toEqual(['timeout=10']);
    expect(headerValues(reply.rawHeaders, 'set-cookie')).toEqual(['a=1', 'b=2']);
    expect(reply.rawHeaders).toContain('X-Mixed-Case');
  });

  it('forwards bodies: Content-Length as is, chunked re-chunked, large ones streamed', async () => {
    const upstream = await echoUpstream();
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    const small = await get(door.port, '/cl', {
      method: 'POST',
      body: 'hello',
      headers: ['Content-Length', '5'],
    });
    expect((JSON.parse(small.body) as Seen).body).toBe('hello');
    const chunked = await rawSend(
      door.port,
      `DELETE /te HTTP/1.1\r\nHost: api.localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n`,
    );
    expect(chunked.status).toBe(200);
    expect(upstream.seen[1]!.body).toBe('abcde');
    expect(upstream.seen[1]!.headers['transfer-encoding']).toBe('chunked');
    const big = Buffer.alloc(3 * 1024 * 1024, 'x');
    const large = await get(door.port, '/big', { method: 'PUT', body: big });
    expect((JSON.parse(large.body) as Seen).body.length).toBe(big.length);
  });

  it('streams a large response to a slow reader without loss', async () => {
    const size = 8 * 1024 * 1024;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': size });
      res.end(Buffer.alloc(size, 'y'));
    });
    const port = await listen(server);
    const door = await startTestDoor({ routeList: [aliasRoute('api', port)] });
    const socket = connect({ host: '127.0.0.1', port: door.port });
    onTestFinished(() => {
      socket.destroy();
    });
    socket.write(`GET / HTTP/1.1\r\nHost: api.localhost\r\nConnection: close\r\n\r\n`);
    socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 200)); // let both buffers fill up
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    socket.resume();
    await once(socket, 'close');
    expect(bytes).toBeGreaterThan(size);
  });

  it('reuses one upstream connection for sequential requests (keep-alive pool)', async () => {
    const upstream = await echoUpstream();
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => agent.destroy());
    for (let i = 0; i < 5; i++) expect((await get(door.port, `/${i}`, { agent })).status).toBe(200);
    expect(upstream.connections()).toBe(1);
    expect(upstream.seen.map((s) => s.connection)).toEqual([0, 0, 0, 0, 0]);
  });

  it('dials the upstream on its exact address: ::1', async (context) => {
    let upstream: Awaited<ReturnType<typeof echoUpstream>>;
    try {
      upstream = await echoUpstream('::1');
    } catch {
      context.skip('::1 is not available here');
      return;
    }
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port, '::1')] });
    const reply = await get(door.port, '/six');
    expect(reply.status).toBe(200);
    expect(upstream.seen[0]!.url).toBe('/six');
  });

  it('answers HEAD without a body, 204 and 304 without one, and keeps the connection going', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/204') return res.writeHead(204).end();
      if (req.url === '/304') return res.writeHead(304, { ETag: '"x"' }).end();
      res.writeHead(200, { 'Content-Length': 5 }).end(req.method === 'HEAD' ? undefined : 'hello');
    });
    const port = await listen(server);
    const door = await startTestDoor({ routeList: [aliasRoute('api', port)] });
    const reply = await rawSend(
      door.port,
      'HEAD / HTTP/1.1\r\nHost: api.localhost\r\n\r\nGET /204 HTTP/1.1\r\nHost: api.localhost\r\n\r\n' +
        'GET /304 HTTP/1.1\r\nHost: api.localhost\r\n\r\nGET / HTTP/1.1\r\nHost: api.localhost\r\nConnection: close\r\n\r\n',
    );
    expect(reply.raw.match(/HTTP\/1\.1 \d+/g)).toEqual([
      'HTTP/1.1 200',
      'HTTP/1.1 204',
      'HTTP/1.1 304',
      'HTTP/1.1 200',
    ]);
    expect(reply.raw.endsWith('\r\n\r\nhello')).toBe(true);
    expect(reply.raw.split('hello').length).toBe(2); // the HEAD answer had no body
  });

  it('expects no body after HEAD or 304 even when their Content-Length is large', async () => {
    // 20,000 bytes is past the size the door copies as views of its read buffer: waiting for
    // such a body would hand the next response's bytes to the wrong request.
    const big = 'b'.repeat(20_000);
    const server = createServer((req, res) => {
      if (req.url === '/304') return res.writeHead(304, { 'Content-Length': 20_000 }).end();
      res.writeHead(200, { 'Content-Length': 20_000 }).end(req.method === 'HEAD' ? undefined : big);
    });
    const port = await listen(server);
    const door = await startTestDoor({ routeList: [aliasRoute('api', port)] });
    const reply = await rawSend(
      door.port,
      'HEAD / HTTP/1.1\r\nHost: api.localhost\r\n\r\nGET /304 HTTP/1.1\r\nHost: api.localhost\r\n\r\n' +
        'GET / HTTP/1.1\r\nHost: api.localhost\r\nConnection: close\r\n\r\n',
    );
    expect(reply.raw.match(/HTTP\/1\.1 \d+/g)).toEqual([
      'HTTP/1.1 200',
      'HTTP/1.1 304',
      'HTTP/1.1 200',
    ]);
    expect(reply.raw.endsWith(`\r\n\r\n${big}`)).toBe(true);
    expect(reply.raw.split(big).length).toBe(2);
  });

  it('skips interim 1xx responses and passes a close-delimited body through', async () => {
    const upstream = await scriptedUpstream((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n');
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end');
        setTimeout(() => socket.end(), 20);
      });
    });
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    const reply = await get(door.port, '/');
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('until the end');
    expect(reply.complete).toBe(true);
  });

  it('keeps each client on its own upstream exchange under concurrency', async () => {
    const upstream = await echoUpstream();
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    onTestFinished(() => agent.destroy());
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) => get(door.port, `/n/${i}`, { agent })),
    );
    expect(replies.map((reply) => (JSON.parse(reply.body) as Seen).url)).toEqual(
      replies.map((_, i) => `/n/${i}`),
    );
    expect(upstream.connections()).toBeLessThanOrEqual(8);
  });

  it('serves the dashboard placeholder for portier.localhost, or the injected dashboard', async () => {
    const routes = [aliasRoute('api', 1)];
    const door = await startTestDoor({ routeList: routes });
    const placeholder = await get(door.port, '/', { host: `portier.localhost:${door.port}` });
    expect(placeholder.status).toBe(200);
    expect(placeholder.body).toContain(`http://api.localhost:${door.port}`);
    const custom = await startDoor({
      hosts: ['127.0.0.1'],
      port: 0,
      decide: testDecide(() => routes),
      routes: () => routes,
      dashboard: (_req, res) => res.end('dashboard here'),
    });
    onTestFinished(() => custom.close());
    expect((await get(custom.port, '/', { host: '127.0.0.1' })).body).toBe('dashboard here');
  });

  it('an injected function that throws gives a 500 and the door keeps serving', async () => {
    const upstream = await echoUpstream();
    const routes = [aliasRoute('api', upstream.port)];
    const decide = testDecide(() => routes);
    const door = await startTestDoor({
      routeList: routes,
      decide: (host) => {
        if (host?.startsWith('boom.')) throw new Error('route table broke');
        return decide(host);
      },
    });
    const broken = await get(door.port, '/', { host: 'boom.localhost' });
    expect(broken.status).toBe(500);
    expect(broken.body).toContain('route table broke');
    expect((await get(door.port, '/')).status).toBe(200);
  });

  it('retries once on a new connection when a reused one is reset before answering (GET only)', async () => {
    const upstream = await scriptedUpstream((socket) => {
      let requests = 0;
      socket.on('data', () => {
        requests += 1;
        if (requests === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst');
        else socket.resetAndDestroy(); // as a server closing an idle keep-alive connection
      });
    });
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    expect((await get(door.port, '/')).body).toBe('first');
    const retried = await get(door.port, '/');
    expect(retried.status).toBe(200);
    expect(retried.body).toBe('first');
    expect(upstream.connections()).toBe(2);
    const post = await get(door.port, '/', {
      method: 'POST',
      body: 'x',
      headers: ['Content-Length', '1'],
    });
    expect(post.status).toBe(502);
    expect(upstream.connections()).toBe(2);
  });

  it('closes pooled upstream connections after the idle timeout', async () => {
    const upstream = await echoUpstream();
    const door = await startTestDoor({
      routeList: [aliasRoute('api', upstream.port)],
      upstreamIdleTimeoutMs: 100,
    });
    await get(door.port, '/');
    expect(door.upstreamConnections).toBe(1);
    const started = Date.now();
    while (door.upstreamConnections > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(Date.now() - started).toBeGreaterThanOrEqual(80);
  });

  it('a response head split across reads, with 100 headers, arrives whole and in order', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `X-H${i}`);
    const head = `HTTP/1.1 200 OK\r\n${names.map((n, i) => `${n}: v${i}\r\n`).join('')}Content-Length: 4\r\n\r\n`;
    const upstream = await scriptedUpstream((socket) => {
      socket.once('data', () => {
        socket.write(head.slice(0, 700));
        setTimeout(() => socket.write(`${head.slice(700)}body`), 30);
      });
    });
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    const reply = await get(door.port, '/');
    expect(reply.body).toBe('body');
    expect(reply.rawHeaders.filter((h) => h.startsWith('X-H'))).toEqual(names);
  });
});
