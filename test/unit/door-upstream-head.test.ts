import { describe, expect, it } from 'vitest';
import { formatUpstreamHead, type UpstreamHeadContext } from '../../src/door/upstream-head.js';

const ctx: UpstreamHeadContext = {
  method: 'GET',
  path: '/x?y',
  host: 'api.localhost:57573',
  clientAddress: '127.0.0.1',
  localPort: 57573,
  doorId: 'door1',
  upgrade: false,
  chunked: false,
};

/** The head's header lines as [name, value] pairs. */
function lines(head: string): string[][] {
  expect(head.endsWith('\r\n\r\n')).toBe(true);
  return head
    .slice(0, -4)
    .split('\r\n')
    .slice(1)
    .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]);
}

describe('formatUpstreamHead', () => {
  it('keeps the request line, Host and end-to-end headers in order with their casing', () => {
    const head = formatUpstreamHead(
      ['Host', 'api.localhost:57573', 'Accept', 'a', 'cookie', 'c=1', 'Cookie', 'd=2'],
      ctx,
    );
    expect(head.startsWith('GET /x?y HTTP/1.1\r\n')).toBe(true);
    expect(lines(head)).toEqual([
      ['Host', 'api.localhost:57573'],
      ['Accept', 'a'],
      ['cookie', 'c=1'],
      ['Cookie', 'd=2'],
      ['X-Forwarded-For', '127.0.0.1'],
      ['X-Forwarded-Host', 'api.localhost:57573'],
      ['X-Forwarded-Port', '57573'],
      ['X-Forwarded-Proto', 'http'],
      ['x-portier-door', 'door1'],
    ]);
  });

  it('drops hop-by-hop headers, those listed in Connection, Expect, Forwarded and X-Forwarded-*', () => {
    const head = formatUpstreamHead(
      [
        'Host',
        'h',
        'Connection',
        'keep-alive, X-Secret',
        'X-Secret',
        's',
        'Keep-Alive',
        '5',
        'TE',
        'trailers',
        'Trailer',
        'x',
        'Upgrade',
        'h2c',
        'Proxy-Authorization',
        'p',
        'Proxy-Connection',
        'keep-alive',
        'Expect',
        '100-continue',
        'Forwarded',
        'for=1',
        'X-Forwarded-For',
        '6.6.6.6',
        'X-Forwarded-Prefix',
        '/p',
        'Transfer-Encoding',
        'chunked',
        'X-Kept',
        'k',
      ],
      ctx,
    );
    expect(lines(head).map(([name]) => name)).toEqual([
      'Host',
      'X-Kept',
      'X-Forwarded-For',
      'X-Forwarded-Host',
      'X-Forwarded-Port',
      'X-Forwarded-Proto',
      'x-portier-door',
    ]);
  });

  it('re-frames a chunked body and keeps other doors’ markers', () => {
    const head = formatUpstreamHead(['x-portier-door', 'other', 'Transfer-Encoding', 'chunked'], {
      ...ctx,
      method: 'POST',
      chunked: true,
    });
    expect(lines(head)).toContainEqual(['Transfer-Encoding', 'chunked']);
    expect(lines(head).filter(([n]) => n?.toLowerCase() === 'x-portier-door')).toEqual([
      ['x-portier-door', 'other'],
      ['x-portier-door', 'door1'],
    ]);
  });

  it('sends Connection: Upgrade and the client’s Upgrade for an upgrade', () => {
    const head = formatUpstreamHead(
      ['Connection', 'keep-alive, Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Key', 'k'],
      { ...ctx, upgrade: true },
    );
    expect(lines(head)).toContainEqual(['Connection', 'Upgrade']);
    expect(lines(head)).toContainEqual(['Upgrade', 'websocket']);
    expect(lines(head)).toContainEqual(['Sec-WebSocket-Key', 'k']);
    expect(lines(head).filter(([n]) => n === 'Connection')).toHaveLength(1);
  });

  it('omits X-Forwarded-For and -Port when unknown', () => {
    const names = lines(
      formatUpstreamHead([], { ...ctx, clientAddress: undefined, localPort: undefined }),
    ).map(([n]) => n);
    expect(names).not.toContain('X-Forwarded-For');
    expect(names).not.toContain('X-Forwarded-Port');
  });
});
