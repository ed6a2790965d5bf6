import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticHandler } from '../../src/serve/static-handler.js';
import { rawGet, rawRequest } from '../helpers/raw-http.js';

// base/www is served; base/www-secret and base/secret sit beside it and must never be reached.
const base = mkdtempSync(join(tmpdir(), 'portier-static-'));
const www = join(base, 'www');
let port = 0;
const server = createServer();

beforeAll(async () => {
  mkdirSync(join(www, 'sub'), { recursive: true });
  mkdirSync(join(base, 'www-secret'));
  writeFileSync(join(www, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(www, 'sub', 'page.txt'), 'page');
  writeFileSync(join(www, '.env'), 'TOKEN=dotfile-secret');
  mkdirSync(join(www, '.git'));
  writeFileSync(join(www, '.git', 'config'), 'dotgit-secret');
  writeFileSync(join(base, 'secret'), 'outside-secret');
  writeFileSync(join(base, 'www-secret', 'x'), 'sibling-secret');
  mkdirSync(join(www, 'files'));
  writeFileSync(join(www, 'files', '<img src=x onerror=alert(1)>.txt'), 'xss');
  writeFileSync(join(www, 'files', 'a"b.txt'), 'quote');
  symlinkSync(join(base, 'secret'), join(www, 'link-out'));
  symlinkSync(join(base, 'www-secret'), join(www, 'dir-out'));
  symlinkSync(join(www, 'missing'), join(www, 'dangling'));
  symlinkSync(join(www, 'sub', 'page.txt'), join(www, 'link-in'));
  const files = createStaticHandler({ root: www });
  server.on('request', (req, res) => files.handle(req, res));
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(base, { recursive: true, force: true });
});

const SECRETS = ['outside-secret', 'sibling-secret', 'dotfile-secret', 'dotgit-secret'];

describe('path traversal never leaves the root', () => {
  it.each([
    '/..%2fsecret',
    '/..%2f..%2fx',
    '/..%5csecret',
    '/%2e%2e/secret',
    '/%2e%2e%2fsecret',
    '/..%2fwww-secret/x',
    '/../www-secret/x',
    '/%2e%2e/www-secret/x',
    '/secret%00.html',
    '/%c0%ae%c0%ae/secret',
    '/%252e%252e/secret',
    '/sub/../../secret',
    '/.env',
    '/.git/config',
    '/%2eenv',
    '/%2egit/config',
    '/link-out',
    '/dir-out/x',
    '/dir-out/',
  ])('%s is refused and leaks nothing', async (path) => {
    const response = await rawGet(port, path);
    expect(response.status).toBeGreaterThanOrEqual(400);
    for (const secret of SECRETS) expect(response.raw).not.toContain(secret);
  });

  it('serves a symlink that stays inside the root', async () => {
    expect((await rawGet(port, '/link-in')).body).toBe('page');
  });

  it('answers 404 for a dangling symlink and keeps serving', async () => {
    expect((await rawGet(port, '/dangling')).status).toBe(404);
    expect((await rawGet(port, '/')).status).toBe(200);
  });
});

describe('host check and other defences', () => {
  it.each(['rebind.attacker.example:1', 'localhost.attacker.example', '10.0.0.1'])(
    'refuses Host %s with 403',
    async (host) => {
      const response = await rawGet(port, '/', host);
      expect(response.status).toBe(403);
      expect(response.body).not.toContain('home');
    },
  );

  it.each(['localhost', 'app.localhost', '[::1]:1', '127.0.0.1'])(
    'serves Host %s',
    async (host) => {
      expect((await rawGet(port, '/', host)).status).toBe(200);
    },
  );

  it('HTML-escapes names in a directory listing', async () => {
    const listing = await rawGet(port, '/files/');
    expect(listing.status).toBe(200);
    expect(listing.body).not.toContain('<img src=x');
    expect(listing.body).toContain('&lt;img src=x onerror=alert(1)&gt;.txt');
    expect(listing.body).toContain('a&quot;b.txt');
  });

  it('never redirects to a protocol-relative //host location', async () => {
    const response = await rawGet(port, '//evil.example/sub');
    if (response.status === 301) expect(response.headers.location?.startsWith('//')).toBe(false);
    const plain = await rawGet(port, '/sub');
    expect(plain.status).toBe(301);
    expect(plain.headers.location).toBe('/sub/');
  });

  it('answers a malformed request with 400 and stays up', async () => {
    const response = await rawRequest(port, 'GARBAGE\r\n\r\n');
    expect(response.status).toBe(400);
    expect((await rawGet(port, '/')).status).toBe(200);
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await rawRequest(
      port,
      `DELETE / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
    );
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
  });
});
