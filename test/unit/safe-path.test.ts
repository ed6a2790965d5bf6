import { describe, expect, it } from 'vitest';
import { resolveSafePath } from '../../src/serve/safe-path.js';

const root = '/srv/www';

describe('resolveSafePath', () => {
  it.each([
    ['/', '/srv/www'],
    ['/index.html', '/srv/www/index.html'],
    ['/a/b.css', '/srv/www/a/b.css'],
    ['/a/./b.css', '/srv/www/a/b.css'],
    ['//a//b.css', '/srv/www/a/b.css'],
    ['/%E2%9C%93.txt', '/srv/www/✓.txt'],
    ['/%252e%252e/secret', '/srv/www/%2e%2e/secret'],
    ['/.well-known/security.txt', '/srv/www/.well-known/security.txt'],
  ])('%s → %s', (url, path) => {
    expect(resolveSafePath(root, url)).toMatchObject({ ok: true, path });
  });

  it.each([
    ['/..%2fsecret', 403],
    ['/..%2f..%2fx', 403],
    ['/%2e%2e/secret', 403],
    ['/a/../../secret', 403],
    ['/..%5csecret', 400],
    ['/a%00.html', 400],
    ['/%c0%ae%c0%ae/secret', 400],
    ['/%e0%80%ae', 400],
    ['/%zz', 400],
    ['relative', 400],
    ['/.env', 404],
    ['/%2eenv', 404],
    ['/.git/config', 404],
    ['/a/.hidden/x', 404],
  ])('refuses %s with %i', (url, status) => {
    expect(resolveSafePath(root, url)).toMatchObject({ ok: false, status });
  });

  it('serves dotfiles when allowed, still refusing ..', () => {
    expect(resolveSafePath(root, '/.env', { dotfiles: true })).toMatchObject({
      ok: true,
      path: '/srv/www/.env',
    });
    expect(resolveSafePath(root, '/../www-secret/x', { dotfiles: true })).toMatchObject({
      ok: false,
      status: 403,
    });
  });
});
