import { describe, expect, it } from 'vitest';
import { noProxyCovers, proxyInterception } from '../../src/doctor/proxy-env.js';

describe('noProxyCovers', () => {
  it.each([
    ['localhost', 'localhost', true],
    ['localhost,127.0.0.1', '127.0.0.1', true],
    ['*', '::1', true],
    ['.localhost', 'api.localhost', true],
    ['localhost', 'api.localhost', true],
    ['127.0.0.0/8', '127.0.0.2', true],
    ['10.0.0.0/8', '127.0.0.1', false],
    ['::1', '::1', true],
    ['[::1]', '::1', true],
    ['localhost:3000', 'localhost', true],
    ['example.com', 'localhost', false],
    ['', 'localhost', false],
  ])('NO_PROXY=%j covers %s: %s', (list, host, expected) => {
    expect(noProxyCovers(list, host)).toBe(expected);
  });
});

describe('proxyInterception', () => {
  it('reports the variable and the loopback names NO_PROXY leaves out', () => {
    const hit = proxyInterception({ HTTP_PROXY: 'http://proxy:3128', NO_PROXY: 'localhost' }, [
      'localhost',
      '127.0.0.1',
      '::1',
    ]);
    expect(hit).toEqual({
      variable: 'HTTP_PROXY',
      proxy: 'http://proxy:3128',
      noProxy: 'localhost',
      uncovered: ['127.0.0.1', '::1'],
    });
  });

  it('is quiet without proxy variables or with a covering NO_PROXY', () => {
    expect(proxyInterception({}, ['localhost'])).toBeUndefined();
    expect(
      proxyInterception({ https_proxy: 'http://p:1', no_proxy: 'localhost,127.0.0.1,::1' }, [
        'localhost',
        '127.0.0.1',
        '::1',
      ]),
    ).toBeUndefined();
  });
});
