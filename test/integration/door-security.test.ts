import { describe, expect, it } from 'vitest';
import {
  aliasRoute,
  get,
  rawSend,
  recordingUpstream,
  startTestDoor,
} from '../fixtures/door/door-harness.js';

/** A door routing `api` to an upstream that records every byte it receives. */
async function doorWithRecorder() {
  const upstream = await recordingUpstream();
  const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
  return { door, upstream };
}

const H = 'Host: api.localhost\r\n';

describe('front door: Host is checked before anything else', () => {
  const cases: [string, string, number][] = [
    ['a DNS-rebinding name', 'Host: rebind.attacker.example:57573\r\n', 403],
    ['userinfo in Host', 'Host: evil@api.localhost\r\n', 400],
    ['a name that only ends like a route', 'Host: evilapi.localhost\r\n', 404],
    ['a route name under another domain', 'Host: api.localhost.evil.example\r\n', 403],
    ['two Host headers', 'Host: api.localhost\r\nHost: api.localhost\r\n', 400],
    ['two different Host headers', 'Host: other.localhost\r\nHost: api.localhost\r\n', 400],
    ['no Host header', '', 400],
  ];
  for (const [what, hostLines, status] of cases)
    it(`${what} → ${status}, and the upstream sees no byte`, async () => {
      const { door, upstream } = await doorWithRecorder();
      const reply = await rawSend(
        door.port,
        `GET / HTTP/1.1\r\n${hostLines}Connection: close\r\n\r\n`,
      );
      expect(reply.status).toBe(status);
      expect(upstream.received()).toBe('');
    });

  it('HTTP/1.0 without Host → 400', async () => {
    const { door, upstream } = await doorWithRecorder();
    const reply = await rawSend(door.port, 'GET / HTTP/1.0\r\n\r\n');
    expect(reply.status).toBe(400);
    expect(upstream.received()).toBe('');
  });

  it('the same checks guard upgrade requests', async () => {
    const { door, upstream } = await doorWithRecorder();
    const reply = await rawSend(
      door.port,
      'GET /ws HTTP/1.1\r\nHost: rebind.attacker.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
    );
    expect(reply.status).toBe(403);
    expect(upstream.received()).toBe('');
  });
});

describe('front door: not an open proxy', () => {
  const cases: [string, string, number][] = [
    ['absolute-URI to another host', `GET http://evil.example/ HTTP/1.1\r\n${H}\r\n`, 400],
    ['absolute-URI with https', `GET https://api.localhost/ HTTP/1.1\r\n${H}\r\n`, 400],
    ['CONNECT', 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n', 405],
    ['CONNECT to a route', `CONNECT api.localhost:80 HTTP/1.1\r\n${H}\r\n`, 405],
    ['OPTIONS *', `OPTIONS * HTTP/1.1\r\n${H}\r\n`, 400],
  ];
  for (const [what, request, status] of cases)
    it(`${what} → ${status}`, async () => {
      const { door, upstream } = await doorWithRecorder();
      const reply = await rawSend(door.port, request);
      expect(reply.status).toBe(status);
      expect(upstream.received()).toBe('');
    });
});

describe('front door: strict parsing (the request-smuggling corpus reaches no upstream)', () => {
  const post = (headers: string, body = '') => `POST / HTTP/1.1\r\n${H}${headers}\r\n${body}`;
  const corpus: [string, string][] = [
    [
      'Content-Length with Transfer-Encoding',
      post('Content-Length: 4\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'),
    ],
    [
      'Transfer-Encoding with Content-Length',
      post('Transfer-Encoding: chunked\r\nContent-Length: 4\r\n', '0\r\n\r\n'),
    ],
    [
      'duplicate Content-Length, same value',
      post('Content-Length: 3\r\nContent-Length: 3\r\n', 'abc'),
    ],
    [
      'duplicate Content-Length, other value',
      post('Content-Length: 3\r\nContent-Length: 4\r\n', 'abcd'),
    ],
    ['Content-Length list', post('Content-Length: 3, 3\r\n', 'abc')],
    ['signed Content-Length', post('Content-Length: +3\r\n', 'abc')],
    ['obs-fold', `GET / HTTP/1.1\r\n${H}X-A: b\r\n c\r\n\r\n`],
    ['obs-fold of Transfer-Encoding', post('Transfer-Encoding:\r\n chunked\r\n', '0\r\n\r\n')],
    ['bare LF line endings', 'GET / HTTP/1.1\nHost: api.localhost\n\n'],
    ['bare LF after a header', `GET / HTTP/1.1\r\nHost: api.localhost\nX: y\r\n\r\n`],
    ['bare CR in a header value', `GET / HTTP/1.1\r\n${H}X: a\rb\r\n\r\n`],
    ['NUL in a header value', `GET / HTTP/1.1\r\n${H}X: a\x00b\r\n\r\n`],
    ['space before the colon', post('Transfer-Encoding : chunked\r\n', '0\r\n\r\n')],
    ['hex-prefixed chunk size', post('Transfer-Encoding: chunked\r\n', '0x3\r\nabc\r\n0\r\n\r\n')],
    ['negative chunk size', post('Transfer-Encoding: chunked\r\n', '-3\r\nabc\r\n0\r\n\r\n')],
    [
      'overflowing chunk size',
      post('Transfer-Encoding: chunked\r\n', 'fffffffffffffffff1\r\nabc\r\n0\r\n\r\n'),
    ],
    ['chunk size with a space', post('Transfer-Encoding: chunked\r\n', '3 \r\nabc\r\n0\r\n\r\n')],
    ['empty chunk size', post('Transfer-Encoding: chunked\r\n', '\r\nabc\r\n0\r\n\r\n')],
    ['chunk without its CRLF', post('Transfer-Encoding: chunked\r\n', '3\r\nabcX0\r\n\r\n')],
    ['bare LF after a chunk size', post('Transfer-Encoding: chunked\r\n', '3\nabc\r\n0\r\n\r\n')],
    // llhttp reads the next ones as chunked; the door refuses them itself.
    ['Transfer-Encoding: ,chunked', post('Transfer-Encoding: ,chunked\r\n', '0\r\n\r\n')],
    ['Transfer-Encoding: gzip, chunked', post('Transfer-Encoding: gzip, chunked\r\n', '0\r\n\r\n')],
    [
      'two Transfer-Encoding headers',
      post('Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'),
    ],
    [
      'Transfer-Encoding on HTTP/1.0',
      `POST / HTTP/1.0\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    ],
    [
      'Transfer-Encoding: chunked, identity',
      post('Transfer-Encoding: chunked, identity\r\n', '0\r\n\r\n'),
    ],
    ['Transfer-Encoding: xchunked', post('Transfer-Encoding: xchunked\r\n', '0\r\n\r\n')],
  ];
  for (const [what, request] of corpus)
    it(`${what} → 400, nothing upstream`, async () => {
      const { door, upstream } = await doorWithRecorder();
      const reply = await rawSend(door.port, request);
      expect(reply.status).toBe(400);
      expect(reply.closed).toBe(true);
      expect(upstream.received()).toBe('');
    });

  it('a request smuggled behind a refused one is never forwarded', async () => {
    const { door, upstream } = await doorWithRecorder();
    const reply = await rawSend(
      door.port,
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: ,chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n${H}\r\n`,
    );
    expect(reply.status).toBe(400);
    expect(reply.responses).toBe(1);
    expect(upstream.received()).toBe('');
  });

  it('HTTP/2.0 in an HTTP/1 request line → 505', async () => {
    const { door, upstream } = await doorWithRecorder();
    const reply = await rawSend(door.port, `GET / HTTP/2.0\r\n${H}\r\n`);
    expect(reply.status).toBe(505);
    expect(upstream.received()).toBe('');
  });

  it('headers over 16 KiB → 431; just under is forwarded', async () => {
    const { door, upstream } = await doorWithRecorder();
    const big = await rawSend(
      door.port,
      `GET / HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`,
    );
    expect(big.status).toBe(431);
    expect(upstream.received()).toBe('');
    const fits = await rawSend(
      door.port,
      `GET / HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(15 * 1024)}\r\nConnection: close\r\n\r\n`,
    );
    expect(fits.status).toBe(200);
  });
});

describe('front door: loop guard', () => {
  it('answers 508 when a request carrying its marker comes back', async () => {
    const { door, upstream } = await doorWithRecorder();
    const reply = await get(door.port, '/', { headers: ['X-Portier-Door', `other, ${door.id}`] });
    expect(reply.status).toBe(508);
    expect(upstream.received()).toBe('');
  });

  it('stops a route that points at the door itself with 508, after one pass', async () => {
    const routeList = [aliasRoute('api', 1)];
    const door = await startTestDoor({ routeList });
    routeList[0] = aliasRoute('api', door.port);
    const reply = await get(door.port, '/');
    expect(reply.status).toBe(508);
    expect(reply.body).toContain('looped');
  });

  it('forwards a marker from another door, adding its own', async () => {
    const { door, upstream } = await doorWithRecorder();
    const reply = await get(door.port, '/', { headers: ['x-portier-door', 'another-door'] });
    expect(reply.status).toBe(200);
    expect(upstream.received()).toMatch(/x-portier-door: another-door\r\n/);
    expect(upstream.received()).toContain(`x-portier-door: ${door.id}\r\n`);
  });
});
