import { describe, expect, it } from 'vitest';
import { hostName, isAllowedHost } from '../../src/serve/host-guard.js';

describe('isAllowedHost', () => {
  it.each([
    ['127.0.0.1:57573', true],
    ['127.0.0.2', true],
    ['[::1]:57573', true],
    ['localhost:57573', true],
    ['LOCALHOST.', true],
    ['app.localhost:57573', true],
    ['rebind.attacker.example:57573', false],
    ['localhost.attacker.example', false],
    ['evillocalhost', false],
    ['192.168.1.20:57573', false],
    ['[::1', false],
    ['localhost:port', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (host, allowed) => {
    expect(isAllowedHost(host)).toBe(allowed);
  });

  it('accepts the addresses the server is bound to', () => {
    expect(isAllowedHost('192.168.1.20:57573', ['192.168.1.20'])).toBe(true);
  });

  it('normalises case, port, brackets and a trailing dot', () => {
    expect(hostName('App.LocalHost.:80')).toBe('app.localhost');
    expect(hostName('[::1]:8080')).toBe('::1');
  });
});
