import { Agent } from 'node:http';
import type { Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  aliasRoute,
  get,
  rawSend,
  scriptedUpstream,
  startTestDoor,
} from '../fixtures/door/door-harness.js';

/**
 * An upstream that answers the first request of each connection with `first` and any later
 * request on that connection with "desynced" (what a client would get if the door reused a
 * connection the upstream had left in a bad state); `laterFirst` answers the first request of
 * later connections (default: a clean "fresh").
 */
async function hostileUpstream(first: (socket: Socket) => void) {
  return scriptedUpstream((socket, index) => {
    let requests = 0;
    socket.on('data', () => {
      requests += 1;
      if (requests > 1) {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\ndesynced');
        return;
      }
      if (index === 0) first(socket);
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh');
    });
  });
}

/** A client that keeps one connection to the door, as a browser would. */
function keepAliveAgent(): Agent {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  onTestFinished(() => agent.destroy());
  return agent;
}

describe('front door: a hostile upstream cannot inject headers or desync other clients', () => {
  const injections: [string, string][] = [
    [
      'a bare CR in a header value',
      'HTTP/1.1 200 OK\r\nX-A: a\rSet-Cookie: evil=1\r\nContent-Length: 2\r\n\r\nok',
    ],
    [
      'a bare LF in a header value',
      'HTTP/1.1 200 OK\r\nX-A: a\nSet-Cookie: evil=1\r\nContent-Length: 2\r\n\r\nok',
    ],
    ['obs-fold', 'HTTP/1.1 200 OK\r\nX-A: a\r\n Set-Cookie: evil=1\r\nContent-Length: 2\r\n\r\nok'],
    ['NUL in a value', 'HTTP/1.1 200 OK\r\nX-A: a\x00b\r\nContent-Length: 2\r\n\r\nok'],
    [
      'CR LF in the status message',
      'HTTP/1.1 200 OK\rSet-Cookie: evil=1\r\nContent-Length: 2\r\n\r\nok',
    ],
    [
      'Content-Length with Transfer-Encoding',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    [
      'two Content-Lengths',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 8\r\n\r\nokdesynced',
    ],
    ['not HTTP at all', 'SSH-2.0-OpenSSH_9.6\r\n'],
  ];
  for (const [what, response] of injections)
    it(`${what} → 502 page, no injected header, the next client gets a clean answer`, async () => {
      const upstream = await hostileUpstream((socket) => socket.write(response));
      const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
      const reply = await rawSend(
        door.port,
        'GET / HTTP/1.1\r\nHost: api.localhost\r\nConnection: close\r\n\r\n',
      );
      expect(reply.status).toBe(502);
      expect(reply.raw.toLowerCase()).not.toContain('set-cookie');
      const next = await get(door.port, '/');
      expect(next.body).toBe('fresh');
    });

  it('a second response in the same packet does not reach the next client', async () => {
    const upstream = await hostileUpstream((socket) =>
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' +
          'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nSet-Cookie: evil=1\r\n\r\nevil',
      ),
    );
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    const agent = keepAliveAgent();
    const first = await get(door.port, '/', { agent });
    expect(first.body).toBe('ok');
    const second = await get(door.port, '/', { agent });
    expect(second.body).toBe('fresh');
    expect(second.headers['set-cookie']).toBeUndefined();
    expect(upstream.connections()).toBe(2);
  });

  it('bytes past Content-Length sent a moment later do not reach the next client', async () => {
    const upstream = await hostileUpstream((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil'), 30);
    });
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    expect((await get(door.port, '/')).body).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the stray bytes arrive while idle
    expect((await get(door.port, '/')).body).toBe('fresh');
    expect(upstream.connections()).toBe(2);
  });

  it('a clean upstream connection is reused, the proof that the tests above can fail', async () => {
    const upstream = await hostileUpstream((socket) =>
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'),
    );
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    expect((await get(door.port, '/')).body).toBe('ok');
    expect((await get(door.port, '/')).body).toBe('desynced');
    expect(upstream.connections()).toBe(1);
  });

  it('a response head over 64 KiB → 502', async () => {
    const upstream = await hostileUpstream((socket) =>
      socket.write(
        `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\nContent-Length: 2\r\n\r\nok`,
      ),
    );
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    expect((await get(door.port, '/')).status).toBe(502);
  });

  it('an unasked 101 Switching Protocols → 502, the connection is not reused', async () => {
    const upstream = await hostileUpstream((socket) =>
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nraw bytes',
      ),
    );
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    expect((await get(door.port, '/')).status).toBe(502);
    expect((await get(door.port, '/')).body).toBe('fresh');
  });
});
