import { describe, expect, it } from 'vitest';
import { parseTarget } from '../../src/net/target.js';

describe('parseTarget', () => {
  it.each([
    ['57573', { kind: 'tcp', host: 'localhost', port: 57573 }],
    ['127.0.0.1:57573', { kind: 'tcp', host: '127.0.0.1', port: 57573 }],
    ['[::1]:8080', { kind: 'tcp', host: '::1', port: 8080 }],
    ['localhost:3000', { kind: 'tcp', host: 'localhost', port: 3000 }],
    ['LOCALHOST:3000', { kind: 'tcp', host: 'localhost', port: 3000 }],
    ['tcp://127.0.0.1:9', { kind: 'tcp', host: '127.0.0.1', port: 9 }],
    [
      'http://127.0.0.1:57573/health?x=1',
      { kind: 'http', host: '127.0.0.1', port: 57573, path: '/health?x=1' },
    ],
    ['http://localhost', { kind: 'http', host: 'localhost', port: 80, path: '/' }],
    ['http://localhost:80/', { kind: 'http', port: 80 }],
    ['https://[::1]:8443/', { kind: 'https', host: '::1', port: 8443 }],
    ['https://app.localhost', { kind: 'https', host: 'app.localhost', port: 443 }],
    ['tls://127.0.0.1:8443', { kind: 'tls', port: 8443 }],
    ['pg://127.0.0.1', { kind: 'postgres', port: 5432 }],
    [
      'postgres://app@127.0.0.1:5433/shop',
      { kind: 'postgres', port: 5433, user: 'app', database: 'shop' },
    ],
    ['postgresql://localhost/db', { kind: 'postgres', database: 'db' }],
    ['redis://127.0.0.1', { kind: 'redis', port: 6379 }],
    ['mysql://127.0.0.1:3307', { kind: 'mysql', port: 3307 }],
  ])('%s', (input, expected) => {
    expect(parseTarget(input)).toMatchObject({ ...expected, input });
  });

  it.each([
    ':80',
    '[::1:80',
    'host:99999',
    'ftp://x',
    '',
    '127.0.0.1',
    'host:0',
    '::1:80',
    'tcp://127.0.0.1',
    'a b:80',
    '[nothost]:80',
    'http://:80',
  ])('rejects %j with INVALID_TARGET naming the accepted forms', (input) => {
    let error: unknown;
    try {
      parseTarget(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'INVALID_TARGET' });
    expect((error as Error).message).toContain('Accepted:');
  });
});
