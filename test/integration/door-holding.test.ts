import { createServer, type Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { RouteHealth } from '../../src/door/types.js';
import {
  aliasRoute,
  deadPort,
  echoUpstream,
  get,
  startTestDoor,
} from '../fixtures/door/door-harness.js';
import { listen } from '../helpers/servers.js';

const HTML = ['Accept', 'text/html,application/xhtml+xml'];

/** A mutable service state, with waiters released when it turns healthy or down. */
function serviceState(initial: RouteHealth) {
  let current = initial;
  const waiters = new Set<(ok: boolean) => void>();
  return {
    health: () => current,
    set(next: RouteHealth) {
      current = next;
      if (next.state === 'healthy' || next.state === 'crashed')
        for (const wake of waiters) wake(next.state === 'healthy');
    },
    waitHealthy: (_route: unknown, _ms: number, signal: AbortSignal) =>
      new Promise<boolean>((resolve) => {
        waiters.add(resolve);
        signal.addEventListener('abort', () => resolve(false));
      }),
    waiting: () => waiters.size,
  };
}

async function untilWaiting(state: { waiting(): number }): Promise<void> {
  while (state.waiting() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('front door: never a bare 502', () => {
  it('holds a request while the service starts, then forwards it', async () => {
    const upstream = await echoUpstream();
    const state = serviceState({ state: 'starting' });
    const door = await startTestDoor({
      routeList: [aliasRoute('api', upstream.port, '127.0.0.1', { kind: 'stack' })],
      health: state.health,
      waitHealthy: state.waitHealthy,
    });
    const reply = get(door.port, '/held');
    await untilWaiting(state);
    expect(upstream.seen).toHaveLength(0);
    state.set({ state: 'healthy' });
    expect((await reply).status).toBe(200);
    expect(upstream.seen[0]!.url).toBe('/held');
  });

  it('after the hold timeout: a 503 status page that reloads, with state and escaped log lines', async () => {
    const state = serviceState({
      state: 'backoff',
      exitCode: 1,
      reason: 'exited <code 1>',
      lastLines: ['Error: <script>alert(1)</script>', 'at main & co'],
    });
    const door = await startTestDoor({
      routeList: [aliasRoute('api', 1, '127.0.0.1', { kind: 'stack' })],
      health: state.health,
      waitHealthy: state.waitHealthy,
      holdTimeoutMs: 200,
    });
    const started = Date.now();
    const reply = await get(door.port, '/', { headers: HTML });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(reply.status).toBe(503);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(reply.body).toContain('<meta http-equiv="refresh" content="2">');
    expect(reply.body).toContain('backoff');
    expect(reply.body).toContain('exited &lt;code 1&gt;');
    expect(reply.body).toContain('Error: &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(reply.body).toContain('at main &amp; co');
    expect(reply.body).not.toContain('<script>');
    expect(reply.body).toContain('portier logs api');
  });

  it('a crashed service gets the status page at once, with exit code and signal (text for curl)', async () => {
    const door = await startTestDoor({
      routeList: [aliasRoute('api', 1, '127.0.0.1', { kind: 'stack' })],
      health: () => ({
        state: 'crashed',
        exitCode: null,
        signal: 'SIGSEGV',
        reason: 'restarted 5 times in 60 s',
        lastLines: ['boom'],
      }),
    });
    const reply = await get(door.port, '/');
    expect(reply.status).toBe(503);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    expect(reply.body).toContain('State: crashed');
    expect(reply.body).toContain('Signal: SIGSEGV');
    expect(reply.body).toContain('  boom');
  });

  it('a service that crashes during the hold ends it early with the status page', async () => {
    const state = serviceState({ state: 'starting' });
    const door = await startTestDoor({
      routeList: [aliasRoute('api', 1, '127.0.0.1', { kind: 'stack' })],
      health: state.health,
      waitHealthy: state.waitHealthy,
    });
    const reply = get(door.port, '/');
    await untilWaiting(state);
    state.set({ state: 'crashed', exitCode: 3 });
    const page = await reply;
    expect(page.status).toBe(503);
    expect(page.body).toContain('Exit code: 3');
  });

  it('holds by polling health when no waitHealthy is given', async () => {
    const upstream = await echoUpstream();
    let state: RouteHealth = { state: 'starting' };
    const door = await startTestDoor({
      routeList: [aliasRoute('api', upstream.port, '127.0.0.1', { kind: 'stack' })],
      health: async () => state,
    });
    const reply = get(door.port, '/');
    setTimeout(() => {
      state = { state: 'healthy' };
    }, 150);
    expect((await reply).status).toBe(200);
  });

  it('upstream refusing while the state says healthy → 502 page naming the upstream address', async () => {
    const port = await deadPort();
    const door = await startTestDoor({
      routeList: [aliasRoute('api', port)],
      health: () => ({ state: 'healthy' }),
    });
    const reply = await get(door.port, '/', { headers: HTML });
    expect(reply.status).toBe(502);
    expect(reply.body).toContain(`127.0.0.1:${port} refused the connection`);
    expect(reply.body).toContain('ECONNREFUSED');
    expect(reply.body).toContain('<meta http-equiv="refresh" content="2">');
  });

  it('an alias with no health whose program is down → the same 502 page', async () => {
    const port = await deadPort();
    const door = await startTestDoor({ routeList: [aliasRoute('api', port)] });
    const reply = await get(door.port, '/');
    expect(reply.status).toBe(502);
    expect(reply.body).toContain(`127.0.0.1:${port}`);
    expect(reply.body).toContain(`portier doctor ${port}`);
  });

  it('a refusal while the service is restarting (stale state) is held and then served', async () => {
    const port = await deadPort();
    let health: RouteHealth = { state: 'healthy' };
    let checks = 0;
    let server: Server | undefined;
    const door = await startTestDoor({
      routeList: [aliasRoute('api', port, '127.0.0.1', { kind: 'stack' })],
      health: () => {
        checks += 1;
        // The first look is stale; by the second the supervisor knows it is restarting.
        if (checks === 2) health = { state: 'starting' };
        return health;
      },
      waitHealthy: async () => {
        server = createServer((_req, res) => res.end('back'));
        await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
        return true;
      },
    });
    const reply = await get(door.port, '/');
    server?.close();
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('back');
  });

  it('an unknown name → 404 listing the live routes and how to add one', async () => {
    const door = await startTestDoor({
      routeList: [
        aliasRoute('web', 3000),
        aliasRoute('api', 4000, '::1', { kind: 'stack', project: 'shop' }),
      ],
    });
    const reply = await get(door.port, '/', { host: `nope.localhost:${door.port}`, headers: HTML });
    expect(reply.status).toBe(404);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.body).toContain(`href="http://web.localhost:${door.port}"`);
    expect(reply.body).toContain(`http://api.shop.localhost:${door.port}`);
    expect(reply.body).toContain('[::1]:4000');
    expect(reply.body).toContain('portier alias nope &lt;port&gt;');
    expect(reply.body).toContain('portier run nope -- &lt;command&gt;');
  });

  it('pages escape what the client sent', async () => {
    const door = await startTestDoor();
    const reply = await get(door.port, '/', { host: '<svg>.localhost', headers: HTML });
    expect(reply.status).toBe(400);
    expect(reply.body).not.toContain('<svg>');
    expect(reply.body).toContain('&lt;svg&gt;');
  });

  it('a service that is healthy but slow to answer is not held: the request goes straight on', async () => {
    const server = createServer((_req, res) => setTimeout(() => res.end('late'), 50));
    const port = await listen(server);
    const door = await startTestDoor({
      routeList: [aliasRoute('api', port)],
      health: () => ({ state: 'unhealthy' }),
    });
    expect((await get(door.port, '/')).body).toBe('late');
  });
});
