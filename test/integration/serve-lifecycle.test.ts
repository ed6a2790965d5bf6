import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseProxyRoute } from '../../src/serve/proxy-route.js';
import { serve } from '../../src/serve/serve.js';

function site(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portier-serve-'));
  writeFileSync(join(dir, 'index.html'), '<h1>home</h1>');
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('serve()', () => {
  it('binds 127.0.0.1 and ::1 on one port and closes', async () => {
    const server = await serve({ root: site(), port: 0, reload: false });
    expect(server.addresses.map((a) => a.address)).toEqual(['127.0.0.1', '::1']);
    expect(new Set(server.addresses.map((a) => a.port)).size).toBe(1);
    expect(await (await fetch(server.urls[0]!)).text()).toBe('<h1>home</h1>');
    await server.close();
    await expect(fetch(server.urls[0]!)).rejects.toThrow();
  });

  it('serves a changed file without live reload (the cache follows a file watcher)', async () => {
    const root = site();
    const server = await serve({ root, port: 0, reload: false });
    onTestFinished(() => server.close());
    const page = () => fetch(server.urls[0]!).then((r) => r.text());
    expect(await page()).toBe('<h1>home</h1>');
    writeFileSync(join(root, 'index.html'), '<h1>changed</h1>');
    let text = await page();
    for (let i = 0; i < 100 && text !== '<h1>changed</h1>'; i++) {
      await new Promise((r) => setTimeout(r, 20)); // inotify events arrive asynchronously
      text = await page();
    }
    expect(text).toBe('<h1>changed</h1>');
  });

  it('cuts off a client that sends its headers too slowly, while serving others', async () => {
    const server = await serve({ root: site(), port: 0, reload: false, headersTimeoutMs: 300 });
    onTestFinished(() => server.close());
    const slow = connect({ host: '127.0.0.1', port: server.port });
    slow.on('error', () => {});
    slow.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
    const drip = setInterval(() => slow.write('X-Slow: 1\r\n'), 100);
    const closed = new Promise<string>((resolve) => {
      let data = '';
      slow.on('data', (c) => {
        data += c;
      });
      slow.on('close', () => resolve(data));
    });
    expect((await fetch(server.urls[0]!)).status).toBe(200);
    const answer = await closed;
    clearInterval(drip);
    expect(answer).toMatch(/^HTTP\/1\.1 (408|400)/);
  });

  it('lets an in-flight request finish on close', async () => {
    let release: () => void = () => {};
    let arrived: () => void = () => {};
    const reached = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const backend = createServer((_req, res) => {
      release = () => res.end('late answer');
      arrived();
    });
    await new Promise<void>((r) => backend.listen({ host: '127.0.0.1', port: 0 }, r));
    onTestFinished(() => new Promise<void>((r) => backend.close(() => r())));
    const target = `http://127.0.0.1:${(backend.address() as { port: number }).port}`;
    const server = await serve({
      root: site(),
      port: 0,
      reload: false,
      proxy: [parseProxyRoute(`/api=${target}`)],
    });
    const pending = fetch(`${server.urls[0]}api/slow`).then((r) => r.text());
    await reached;
    const closing = server.close();
    release();
    expect(await pending).toBe('late answer');
    await closing;
  });

  it('answers 502 naming the backend when it is down', async () => {
    const server = await serve({
      root: site(),
      port: 0,
      reload: false,
      proxy: [parseProxyRoute('/api=http://127.0.0.1:9')],
    });
    onTestFinished(() => server.close());
    const res = await fetch(`${server.urls[0]}api/x`);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain('127.0.0.1:9');
  });

  it('refuses a WebSocket upgrade with a foreign Host', async () => {
    const server = await serve({
      root: site(),
      port: 0,
      reload: false,
      proxy: [parseProxyRoute('/ws=http://127.0.0.1:9')],
    });
    onTestFinished(() => server.close());
    const socket = connect({ host: '127.0.0.1', port: server.port });
    const answer = await new Promise<string>((resolve) => {
      let data = '';
      socket.on('data', (c) => {
        data += c;
      });
      socket.on('close', () => resolve(data));
      socket.write(
        'GET /ws HTTP/1.1\r\nHost: rebind.attacker.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 403/);
  });
});
