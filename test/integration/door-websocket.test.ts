import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { RouteHealth } from '../../src/door/types.js';
import {
  aliasRoute,
  deadPort,
  headerValues,
  rawSend,
  recordingUpstream,
  startTestDoor,
} from '../fixtures/door/door-harness.js';
import { listen } from '../helpers/servers.js';
import { acceptKey, openUpgrade, startWsBackend } from './path-proxy-ws-fixtures.js';

/** A WebSocket client of the door: handshake for /hmr with `host` (and an Origin naming it). */
function wsClient(port: number, host: string, early: string[] = []) {
  return openUpgrade(port, '/hmr?token=1', { host, headers: ['Origin', `http://${host}`], early });
}

describe('front door: WebSocket upgrades', () => {
  it('tunnels a WebSocket both ways, early frames included, with the client Host and X-Forwarded-*', async () => {
    const backend = await startWsBackend();
    const door = await startTestDoor({ routeList: [aliasRoute('api', backend.port)] });
    const host = `api.localhost:${door.port}`;
    const ws = await wsClient(door.port, host, ['early']);
    expect(ws.head).toMatch(/^HTTP\/1\.1 101 /);
    expect(ws.head).toContain(`Sec-WebSocket-Accept: ${acceptKey(ws.key)}`);
    expect((await ws.nextFrame()).text).toBe('echo:early');
    ws.send('hello');
    expect((await ws.nextFrame()).text).toBe('echo:hello');
    const handshake = backend.handshakes[0]!;
    expect(handshake.url).toBe('/hmr?token=1');
    expect(handshake.headers.host).toBe(host);
    expect(handshake.headers.origin).toBe(`http://${host}`);
    expect(headerValues(handshake.rawHeaders, 'x-forwarded-host')).toEqual([host]);
    expect(headerValues(handshake.rawHeaders, 'x-forwarded-for')).toEqual(['127.0.0.1']);
    expect(headerValues(handshake.rawHeaders, 'x-portier-door')).toEqual([door.id]);
    expect(headerValues(handshake.rawHeaders, 'upgrade')).toEqual(['websocket']);
  });

  it('closes both sides when the client closes', async () => {
    const backend = await startWsBackend();
    const door = await startTestDoor({ routeList: [aliasRoute('api', backend.port)] });
    const ws = await wsClient(door.port, 'api.localhost');
    ws.send('x');
    await ws.nextFrame();
    expect(backend.sockets.size).toBe(1);
    ws.socket.end();
    while (backend.sockets.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  });

  it('passes an upstream refusal to upgrade back as it is, then closes', async () => {
    const server = createServer((_req, res) =>
      res.writeHead(403, { 'X-Why': 'origin' }).end('bad origin'),
    );
    const port = await listen(server);
    const door = await startTestDoor({ routeList: [aliasRoute('api', port)] });
    const reply = await rawSend(
      door.port,
      'GET /ws HTTP/1.1\r\nHost: api.localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
    );
    expect(reply.status).toBe(403);
    expect(reply.raw).toContain('X-Why: origin');
    expect(reply.raw.endsWith('bad origin')).toBe(true);
    expect(reply.closed).toBe(true);
  });

  it('an unknown name → 404; a refused upstream → 502 naming it; nothing dialled for a rejected Host', async () => {
    const dead = await deadPort();
    const upstream = await recordingUpstream();
    const door = await startTestDoor({
      routeList: [aliasRoute('api', dead), aliasRoute('web', upstream.port)],
    });
    const upgrade = (host: string) =>
      rawSend(
        door.port,
        `GET /ws HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`,
      );
    expect((await upgrade('nope.localhost')).status).toBe(404);
    const refused = await upgrade('api.localhost');
    expect(refused.status).toBe(502);
    expect(refused.raw).toContain(`127.0.0.1:${dead}`);
    expect((await upgrade('web.localhost.evil.example')).status).toBe(403);
    expect(upstream.received()).toBe('');
  });

  it('holds an upgrade while the service starts, then tunnels it', async () => {
    const backend = await startWsBackend();
    let health: RouteHealth = { state: 'starting' };
    const door = await startTestDoor({
      routeList: [aliasRoute('api', backend.port, '127.0.0.1', { kind: 'stack' })],
      health: () => health,
    });
    setTimeout(() => {
      health = { state: 'healthy' };
    }, 150);
    const ws = await wsClient(door.port, 'api.localhost');
    expect(ws.head).toMatch(/^HTTP\/1\.1 101 /);
    ws.send('after the hold');
    expect((await ws.nextFrame()).text).toBe('echo:after the hold');
  });
});
