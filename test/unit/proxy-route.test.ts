import { describe, expect, it } from 'vitest';
import { createPathProxy } from '../../src/serve/path-proxy.js';
import {
  backendAddress,
  backendOrigin,
  matchProxyRoute,
  type ProxyRoute,
  parseProxyRoute,
  upstreamPath,
} from '../../src/serve/proxy-route.js';

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('parseProxyRoute', () => {
  it.each([
    ['/api=http://127.0.0.1:3000', '/api', 'http://127.0.0.1:3000/'],
    ['/api/=http://127.0.0.1:3000', '/api', 'http://127.0.0.1:3000/'],
    ['/api=http://[::1]:3000/base', '/api', 'http://[::1]:3000/base'],
    ['/api=HTTP://LOCALHOST:3000', '/api', 'http://localhost:3000/'],
    ['/=http://localhost:8080', '/', 'http://localhost:8080/'],
    ['/ws=ws://127.0.0.1:3001', '/ws', 'ws://127.0.0.1:3001/'],
    ['/s=https://localhost', '/s', 'https://localhost/'],
    ['/s=wss://127.0.0.1:8443/socket/', '/s', 'wss://127.0.0.1:8443/socket/'],
    ['/v1/users=http://127.0.0.1:3000', '/v1/users', 'http://127.0.0.1:3000/'],
    [' /api = http://127.0.0.1:3000 ', '/api', 'http://127.0.0.1:3000/'],
  ])('%s', (text, prefix, href) => {
    const route = parseProxyRoute(text);
    expect(route.prefix).toBe(prefix);
    expect(route.target.href).toBe(href);
    expect(route.strip).toBeUndefined();
  });

  it.each([
    ['/api', 'no "="'],
    ['api=http://127.0.0.1:3000', 'does not start with /'],
    ['=http://127.0.0.1:3000', 'no path prefix'],
    ['/api=', 'no backend URL'],
    ['/api=127.0.0.1:3000', 'is not a URL'],
    ['/api=localhost:3000', 'write it like http://localhost:3000'],
    ['/api=ftp://127.0.0.1:21', 'scheme "ftp"'],
    ['/api=tcp://127.0.0.1:3000', 'scheme "tcp"'],
    ['/api=http://127.0.0.1:0', 'port "0"'],
    ['/api=http://127.0.0.1:99999', 'port "99999"'],
    ['/api=http://127.0.0.1:3k', 'port "3k"'],
    ['/api=http://[::1:3000', 'closing bracket'],
    ['/api=http://::1:3000', 'in brackets'],
    ['/api=http://[nothost]:3000', 'not a valid URL'],
    ['/api=http://user:pw@127.0.0.1:3000', 'credentials'],
    ['/api=http://127.0.0.1:3000/?k=1', 'query'],
    ['/api=http://127.0.0.1:3000/#top', 'fragment'],
    ['/a b=http://127.0.0.1:3000', 'characters'],
    ['/api?x=http://127.0.0.1:3000', 'characters'],
    ['/api//v1=http://127.0.0.1:3000', 'empty segment'],
    ['/api/../admin=http://127.0.0.1:3000', '..'],
    // The first '=' splits, so a prefix cannot hold one.
    ['/api;v=1=http://127.0.0.1:3000', 'is not a URL'],
  ])('rejects %j with INVALID_OPTION (%s)', (text, why) => {
    const error = caught(() => parseProxyRoute(text));
    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    expect((error as Error).message).toContain(why);
    expect((error as Error).message).toContain('Accepted: PREFIX=URL');
  });
});

describe('matchProxyRoute', () => {
  const route = (prefix: string): ProxyRoute => ({
    prefix,
    target: new URL('http://127.0.0.1:3000'),
  });
  const routes = [route('/api'), route('/api/v2/'), route('/ws')];

  it.each([
    ['/api', '/api'],
    ['/api/', '/api'],
    ['/api/users', '/api'],
    ['/api?x=1', '/api'],
    ['/api/v2', '/api/v2/'],
    ['/api/v2/users', '/api/v2/'],
    ['/api/v20', '/api'],
    ['/apix', undefined],
    ['/ap', undefined],
    ['/', undefined],
    ['/ws', '/ws'],
    ['/wsx/y', undefined],
    ['/API', undefined],
  ])('%s → %s', (path, prefix) => {
    expect(matchProxyRoute(routes, path)?.prefix).toBe(prefix);
  });

  it('lets a / route catch everything the longer prefixes do not', () => {
    const withRoot = [route('/'), ...routes];
    expect(matchProxyRoute(withRoot, '/index.html')?.prefix).toBe('/');
    expect(matchProxyRoute(withRoot, '/api/x')?.prefix).toBe('/api');
  });

  it('is what PathProxy.match answers', () => {
    const proxy = createPathProxy({ routes });
    expect(proxy.match('/api/v2/x')).toBe(routes[1]);
    expect(proxy.match('/apix')).toBeUndefined();
    proxy.close();
  });
});

describe('createPathProxy', () => {
  it('rejects two routes with one prefix (trailing slash aside) as INVALID_OPTION', () => {
    const routes = [parseProxyRoute('/api=http://127.0.0.1:3000')];
    routes.push({ prefix: '/api/', target: new URL('http://127.0.0.1:4000') });
    expect(caught(() => createPathProxy({ routes }))).toMatchObject({ code: 'INVALID_OPTION' });
  });

  it.each([
    { timeoutMs: 0 },
    { timeoutMs: -1 },
    { timeoutMs: 1.5 },
    { connectTimeoutMs: Number.NaN },
    { connectTimeoutMs: 2 ** 31 },
  ])('rejects %j as INVALID_OPTION', (timeouts) => {
    expect(caught(() => createPathProxy({ routes: [], ...timeouts }))).toMatchObject({
      code: 'INVALID_OPTION',
    });
  });

  it('rejects a route built by hand with a prefix not starting with /', () => {
    const routes = [{ prefix: 'api', target: new URL('http://127.0.0.1:3000') }];
    expect(caught(() => createPathProxy({ routes }))).toMatchObject({ code: 'INVALID_OPTION' });
  });
});

describe('upstreamPath', () => {
  const via = (prefix: string, target: string, strip = false): ProxyRoute => ({
    prefix,
    target: new URL(target),
    strip,
  });

  it.each([
    [via('/api', 'http://h:1'), '/api/x?q=1', '/api/x?q=1'],
    [via('/api', 'http://h:1', true), '/api/x?q=1', '/x?q=1'],
    [via('/api', 'http://h:1', true), '/api', '/'],
    [via('/api', 'http://h:1', true), '/api/', '/'],
    [via('/api', 'http://h:1', true), '/api?q=1', '/?q=1'],
    [via('/api', 'http://h:1/base'), '/api/x', '/base/api/x'],
    [via('/api', 'http://h:1/base/'), '/api/x', '/base/api/x'],
    [via('/api', 'http://h:1/base', true), '/api/x?q', '/base/x?q'],
    [via('/api', 'http://h:1/base', true), '/api', '/base'],
    [via('/', 'http://h:1', true), '/x', '/x'],
    [via('/api', 'http://h:1'), 'http://proxy.local/api/x?q=1', '/api/x?q=1'],
    [via('/api', 'http://h:1'), '/api/a%2Fb?x=%20', '/api/a%2Fb?x=%20'],
  ])('%#: %s', (route, url, expected) => {
    expect(upstreamPath(route, url)).toBe(expected);
  });
});

describe('backendAddress and backendOrigin', () => {
  it.each([
    [
      'http://127.0.0.1:3000',
      { host: '127.0.0.1', port: 3000, secure: false },
      'http://127.0.0.1:3000',
    ],
    ['http://[::1]:3000/x', { host: '::1', port: 3000, secure: false }, 'http://[::1]:3000'],
    ['ws://localhost', { host: 'localhost', port: 80, secure: false }, 'http://localhost'],
    ['wss://localhost', { host: 'localhost', port: 443, secure: true }, 'https://localhost'],
    [
      'https://127.0.0.1:8443',
      { host: '127.0.0.1', port: 8443, secure: true },
      'https://127.0.0.1:8443',
    ],
  ])('%s', (url, address, origin) => {
    expect(backendAddress(new URL(url))).toEqual(address);
    expect(backendOrigin(new URL(url))).toBe(origin);
  });
});
