import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { probe } from '../../src/probes/probe.js';
import { listen } from '../helpers/servers.js';

/** An HTTP server answering every request with `status`, `headers` and `body`; records requests. */
async function serveHttp(
  status: number,
  body = '',
  headers: Record<string, string> = {},
  host = '127.0.0.1',
) {
  const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createHttpServer((request, response) => {
    requests.push({ url: request.url ?? '', headers: request.headers });
    response.writeHead(status, headers).end(body);
  });
  return { port: await listen(server, host), requests };
}

/** A raw TCP server that runs `onConnection` for each connection. */
async function serveTcp(onConnection: (socket: Socket) => void): Promise<number> {
  return listen(createNetServer(onConnection));
}

describe('http probe', () => {
  it('is ready on a 200 and sends Host, User-Agent and the path', async () => {
    const { port, requests } = await serveHttp(200, 'ok', {
      Server: 'fixture/1.0',
      'Content-Type': 'text/plain',
    });
    const result = await probe(`http://127.0.0.1:${port}/health?x=1`);
    expect(result.status).toBe('ready');
    expect(result.summary).toBe('HTTP 200 OK');
    expect(result.details).toMatchObject({
      status: 200,
      statusText: 'OK',
      server: 'fixture/1.0',
      contentType: 'text/plain',
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('/health?x=1');
    expect(requests[0]!.headers.host).toBe(`127.0.0.1:${port}`);
    expect(requests[0]!.headers['user-agent']).toBe('portier');
  });

  it('is not ready on a 404 (http-status)', async () => {
    const { port } = await serveHttp(404, 'nope');
    const result = await probe(`http://127.0.0.1:${port}/`);
    expect(result).toMatchObject({
      status: 'not-ready',
      problem: 'http-status',
      details: { status: 404 },
    });
  });

  it('accepts a 404 when acceptStatus says so', async () => {
    const { port } = await serveHttp(404, 'nope');
    const result = await probe(`http://127.0.0.1:${port}/`, { acceptStatus: (s) => s === 404 });
    expect(result.status).toBe('ready');
  });

  it('does not follow a 301 by default and reports the location', async () => {
    const { port, requests } = await serveHttp(301, '', { Location: '/new' });
    const result = await probe(`http://127.0.0.1:${port}/old`);
    expect(result).toMatchObject({ status: 'ready', details: { status: 301, location: '/new' } });
    expect(requests.map((r) => r.url)).toEqual(['/old']);
  });

  it('follows same-origin redirects on the same connection with followRedirects', async () => {
    const seen: string[] = [];
    const server = createHttpServer((request, response) => {
      seen.push(request.url ?? '');
      if (request.url === '/') response.writeHead(302, { Location: '/login' }).end('moved');
      else response.writeHead(200).end('login page');
    });
    const port = await listen(server);
    const result = await probe(`http://127.0.0.1:${port}/`, {
      followRedirects: true,
      acceptStatus: (s) => s === 200,
    });
    expect(result).toMatchObject({
      status: 'ready',
      details: { status: 200, redirects: [{ status: 302, location: '/login' }] },
    });
    expect(seen).toEqual(['/', '/login']);
  });

  it('does not follow a redirect to another origin', async () => {
    const { port } = await serveHttp(302, '', { Location: 'http://example.com/' });
    const result = await probe(`http://127.0.0.1:${port}/`, { followRedirects: true });
    expect(result.details).toMatchObject({
      status: 302,
      redirectNotFollowed: 'http://example.com/ is on another origin',
    });
  });

  it.each([
    ['webpack-dev-server 4+', 403, 'Invalid Host header', 'webpack-dev-server'],
    ['webpack-dev-server 3 (200)', 200, 'Invalid Host header', 'webpack-dev-server'],
    [
      'Vite',
      403,
      'Blocked request. This host ("portier.test") is not allowed.\nTo allow this host, add "portier.test" to `server.allowedHosts` in vite.config.js.',
      'vite',
    ],
    ['a 421 Misdirected Request', 421, '', 'misdirected'],
  ])('recognises a Host-header rejection by %s', async (_name, status, body, source) => {
    const { port } = await serveHttp(status, body, { 'Content-Type': 'text/plain' });
    const result = await probe(`http://127.0.0.1:${port}/`);
    expect(result).toMatchObject({
      status: 'not-ready',
      problem: 'host-header-rejected',
      details: { hostRejection: source },
    });
    expect(result.summary).toContain(`Host header "127.0.0.1:${port}"`);
  });

  it('reads a chunked Django DisallowedHost page', async () => {
    const server = createHttpServer((_request, response) => {
      response.writeHead(400, { 'Content-Type': 'text/html' });
      response.write('<html><head><title>DisallowedHost at /</title></head>');
      response.end(
        '<body><pre>Invalid HTTP_HOST header: &#x27;portier.test:8000&#x27;. You may need to add &#x27;portier.test&#x27; to ALLOWED_HOSTS.</pre></body></html>',
      );
    });
    const result = await probe(`http://127.0.0.1:${await listen(server)}/`);
    expect(result).toMatchObject({
      problem: 'host-header-rejected',
      details: { hostRejection: 'django' },
    });
  });

  it('says no-response when the server accepts and never answers', async () => {
    const port = await serveTcp(() => {});
    const result = await probe(`http://127.0.0.1:${port}/`, { timeoutMs: 300 });
    expect(result).toMatchObject({ status: 'not-ready', problem: 'no-response' });
    expect(result.attempts[0]!.outcome).toBe('connected');
    expect(result.elapsedMs).toBeLessThan(1_000);
  });

  it('records closed-before-data when the server closes at once, and hints at TLS', async () => {
    const port = await serveTcp((socket) => socket.destroy());
    const result = await probe(`http://127.0.0.1:${port}/`);
    expect(result.status).toBe('not-ready');
    expect(result.attempts[0]!.outcome).toBe('closed-before-data');
    expect(result.details).toEqual({ maybeTls: true });
  });

  it('records reset-after-connect when the server resets on the request', async () => {
    const port = await serveTcp((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const result = await probe(`http://127.0.0.1:${port}/`);
    expect(result.status).toBe('not-ready');
    expect(result.attempts[0]!.outcome).toBe('reset-after-connect');
  });

  it('names another protocol answering on the port', async () => {
    const port = await serveTcp((socket) => {
      socket.on('data', () => {});
      socket.write('SSH-2.0-OpenSSH_9.6\r\n');
    });
    const result = await probe(`http://127.0.0.1:${port}/`);
    expect(result).toMatchObject({ problem: 'wrong-service', details: { service: 'ssh' } });
  });

  it('sees an echo server for what it is', async () => {
    const port = await serveTcp((socket) => socket.pipe(socket));
    const result = await probe(`http://127.0.0.1:${port}/`);
    expect(result.problem).toBe('wrong-service');
    expect(result.summary).toContain('echo server');
  });

  it('probes an IPv6 loopback target with a bracketed Host header', async () => {
    const { port, requests } = await serveHttp(200, 'ok', {}, '::1');
    const result = await probe(`http://[::1]:${port}/`);
    expect(result).toMatchObject({ status: 'ready', address: '::1' });
    expect(requests[0]!.headers.host).toBe(`[::1]:${port}`);
  });

  it('goes straight to a loopback server whatever the proxy variables say', async () => {
    const names = [
      'HTTP_PROXY',
      'http_proxy',
      'HTTPS_PROXY',
      'https_proxy',
      'ALL_PROXY',
      'NO_PROXY',
      'no_proxy',
    ];
    const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    onTestFinished(() => {
      for (const name of names) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    });
    for (const name of names.filter((n) => !/no_proxy/i.test(n)))
      process.env[name] = 'http://127.0.0.1:9';
    for (const name of ['NO_PROXY', 'no_proxy']) delete process.env[name];
    const { port, requests } = await serveHttp(200, 'ok');
    const result = await probe(`http://127.0.0.1:${port}/`);
    expect(result.status).toBe('ready');
    expect(requests).toHaveLength(1);
  });
});
