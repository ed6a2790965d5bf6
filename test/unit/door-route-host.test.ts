import { describe, expect, it } from 'vitest';
import { isDnsLabel, normaliseHost } from '../../src/door/route-host.js';

describe('normaliseHost', () => {
  it.each([
    ['api.localhost', 'name', 'api.localhost', undefined],
    ['API.LocalHost:57573', 'name', 'api.localhost', 57573],
    ['api.shop.localhost.', 'name', 'api.shop.localhost', undefined],
    ['api.localhost.:80', 'name', 'api.localhost', 80],
    ['localhost:', 'name', 'localhost', undefined],
    ['xn--bcher-kva.localhost', 'name', 'xn--bcher-kva.localhost', undefined],
    ['3d.localhost', 'name', '3d.localhost', undefined],
    ['127.0.0.1:57573', 'ipv4', '127.0.0.1', 57573],
    ['127.0.0.1', 'ipv4', '127.0.0.1', undefined],
    ['[::1]:57573', 'ipv6', '::1', 57573],
    ['[0:0:0:0:0:0:0:1]', 'ipv6', '::1', undefined],
    ['[::FFFF:127.0.0.1]:1', 'ipv6', '::ffff:127.0.0.1', 1],
  ])('%s → %s %s', (header, kind, host, port) => {
    const parsed = normaliseHost(header);
    expect(parsed).toEqual({ ok: true, kind, host, ...(port === undefined ? {} : { port }) });
  });

  it.each([
    [undefined, 'no Host'],
    ['', 'no Host'],
    ['evil@api.localhost', 'userinfo'],
    ['user:pass@api.localhost:57573', 'userinfo'],
    ['api .localhost', 'space'],
    [' api.localhost', 'space'],
    ['api.localhost\t', 'space'],
    ['api.localhost, evil.example', 'space'],
    ['api.localhost,evil.example', 'list of hosts'],
    ['my_app.localhost', '"_"'],
    ['api..localhost', 'empty label'],
    ['.api.localhost', 'empty label'],
    ['api.localhost..', 'empty label'],
    ['.', 'empty host name'],
    [':57573', 'empty host name'],
    ['-api.localhost', 'not a DNS label'],
    ['api-.localhost', 'not a DNS label'],
    ['api%2e.localhost', 'not a DNS label'],
    ['bücher.localhost', 'non-ASCII'],
    [`${'a'.repeat(64)}.localhost`, 'longer than 63'],
    [`${'a.'.repeat(127)}localhost`, 'longer than 253'],
    ['api.localhost:port', 'not a port number'],
    ['api.localhost:65536', 'not a port number'],
    ['api.localhost:123456', 'not a port number'],
    ['api.localhost:80:80', 'not a port number'],
    ['api.localhost:-1', 'not a port number'],
    ['[::1', 'without "]"'],
    ['[::1]x', 'not a port'],
    ['[::1]]:80', 'between "]" and the port'],
    ['[fe80::1%25eth0]', 'not an IPv6 address'],
    ['[v1.fe]', 'not an IPv6 address'],
    ['[127.0.0.1]', 'not an IPv6 address'],
    ['::1', 'not a port number'],
    ['127.1', 'numeric name'],
    ['2130706433', 'numeric name'],
    ['0177.0.0.1', 'numeric name'],
    ['127.0.0.1.', 'numeric name'],
  ])('refuses %j (%s)', (header, reason) => {
    const parsed = normaliseHost(header);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});

describe('isDnsLabel', () => {
  it.each([
    ['api', true],
    ['web-2', true],
    ['3d', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['', false],
    ['-api', false],
    ['api-', false],
    ['my_app', false],
    ['API', false],
    ['a.b', false],
  ])('%s → %s', (text, expected) => {
    expect(isDnsLabel(text)).toBe(expected);
  });
});
