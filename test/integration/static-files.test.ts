import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticHandler } from '../../src/serve/static-handler.js';

const root = mkdtempSync(join(tmpdir(), 'portier-files-'));
const servers: ReturnType<typeof createServer>[] = [];
let port = 0;
let spaPort = 0;
const big = 'x'.repeat(100_000);

async function start(options: Parameters<typeof createStaticHandler>[0]): Promise<number> {
  const files = createStaticHandler(options);
  const server = createServer((req, res) => files.handle(req, res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return (server.address() as { port: number }).port;
}

beforeAll(async () => {
  mkdirSync(join(root, 'docs'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><h1>home</h1>');
  writeFileSync(join(root, 'app.js'), `console.log(${JSON.stringify(big)});`);
  writeFileSync(join(root, 'style.css'), 'body{color:red}');
  writeFileSync(join(root, 'data.bin'), Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  writeFileSync(join(root, 'docs', 'readme.md'), '# hi');
  port = await start({ root });
  spaPort = await start({ root, spa: true, list: false });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(root, { recursive: true, force: true });
});

const url = (path: string, p = port) => `http://127.0.0.1:${p}${path}`;

describe('static files', () => {
  it.each([
    ['/', 'text/html; charset=utf-8'],
    ['/app.js', 'text/javascript; charset=utf-8'],
    ['/style.css', 'text/css; charset=utf-8'],
    ['/data.bin', 'application/octet-stream'],
    ['/docs/readme.md', 'text/markdown; charset=utf-8'],
  ])('%s has Content-Type %s and dev caching headers', async (path, type) => {
    const res = await fetch(url(path));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 304 to a matching ETag and to If-Modified-Since', async () => {
    const first = await fetch(url('/style.css'));
    const etag = first.headers.get('etag')!;
    expect((await fetch(url('/style.css'), { headers: { 'If-None-Match': etag } })).status).toBe(
      304,
    );
    const since = first.headers.get('last-modified')!;
    expect(
      (await fetch(url('/style.css'), { headers: { 'If-Modified-Since': since } })).status,
    ).toBe(304);
  });

  it('serves a new ETag after the file changes', async () => {
    writeFileSync(join(root, 'changing.txt'), 'one');
    const first = await fetch(url('/changing.txt'));
    writeFileSync(join(root, 'changing.txt'), 'two two');
    const second = await fetch(url('/changing.txt'), {
      headers: { 'If-None-Match': first.headers.get('etag')! },
    });
    expect(second.status).toBe(200);
    expect(await second.text()).toBe('two two');
  });

  it('serves byte ranges with 206 and refuses unsatisfiable ones with 416', async () => {
    const part = await fetch(url('/data.bin'), { headers: { Range: 'bytes=2-4' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 2-4/10');
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([2, 3, 4]);
    const bad = await fetch(url('/data.bin'), { headers: { Range: 'bytes=20-30' } });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe('bytes */10');
  });

  it('negotiates brotli and gzip for text and leaves binary alone', async () => {
    const { request } = await import('node:http');
    const get = (path: string, encoding: string) =>
      new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
        request(url(path), { headers: { 'Accept-Encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res
            .on('data', (c) => chunks.push(c))
            .on('end', () =>
              resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }),
            );
        })
          .on('error', reject)
          .end();
      });
    const br = await get('/app.js', 'gzip, br');
    expect(br.encoding).toBe('br');
    expect(brotliDecompressSync(br.body).toString()).toContain(big);
    const gz = await get('/app.js', 'gzip');
    expect(gz.encoding).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toContain(big);
    expect((await get('/data.bin', 'gzip, br')).encoding).toBeUndefined();
  });

  it('answers HEAD with headers and no body', async () => {
    const res = await fetch(url('/style.css'), { method: 'HEAD' });
    expect(res.headers.get('content-length')).toBe('15');
    expect(await res.text()).toBe('');
  });

  it('lists a directory without index.html, redirects it to a trailing slash first', async () => {
    const res = await fetch(url('/docs'), { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/docs/');
    expect(await (await fetch(url('/docs/'))).text()).toContain('readme.md');
  });

  it('falls back to index.html for routes without an extension with --spa, not for missing files', async () => {
    const route = await fetch(url('/app/settings', spaPort));
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('home');
    expect((await fetch(url('/missing.js', spaPort))).status).toBe(404);
    expect((await fetch(url('/docs/', spaPort))).status).toBe(404); // listing off
  });

  it('answers 404 for a missing file', async () => {
    expect((await fetch(url('/nope.txt'))).status).toBe(404);
  });
});
