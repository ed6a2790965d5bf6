import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  listRoutes,
  readRoutes,
  registerRoutes,
  routesPath,
  unregisterRoutes,
} from '../../src/door/registry.js';
import { createRouteWatcher } from '../../src/door/route-watcher.js';
import type { Route } from '../../src/door/types.js';
import { identifyProcess } from '../../src/ports/process-liveness.js';
import { exited, killQuietly } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A real, idle child process to own routes; killed when the test ends. */
function startOwner() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'ignore' });
  onTestFinished(() => killQuietly(child.pid));
  return child;
}

function run(name: string, pid: number, port = 4000): Route {
  return {
    name,
    kind: 'run',
    upstream: { address: '127.0.0.1', port },
    owner: { pid },
    since: Date.now(),
  };
}

function alias(name: string, port: number, address = '127.0.0.1'): Route {
  return { name, kind: 'alias', upstream: { address, port }, since: Date.now() };
}

function service(name: string, project: string, pid: number, port: number): Route {
  return { ...run(name, pid, port), kind: 'stack', project };
}

const names = (routes: readonly Route[]) =>
  routes.map((r) => (r.project ? `${r.name}.${r.project}` : r.name));

describe('the route registry', () => {
  it('stores routes in routes.json (0600) with the owner start time filled in', async () => {
    const dir = tempDir();
    const [stored] = await registerRoutes(dir, [run('web', process.pid)]);
    expect(stored?.owner).toEqual(identifyProcess(process.pid));
    expect(names(await listRoutes(dir))).toEqual(['web']);
    if (process.platform !== 'win32') expect(statSync(routesPath(dir)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(routesPath(dir), 'utf8')).version).toBe(1);
  });

  it("drops a dead owner's routes, from the list and from the file", async () => {
    const dir = tempDir();
    const owner = startOwner();
    await registerRoutes(dir, [run('api', owner.pid!), service('web', 'shop', owner.pid!, 4001)]);
    await registerRoutes(dir, [alias('db', 5432), run('docs', process.pid)]);
    expect(names(await listRoutes(dir))).toEqual(['api', 'web.shop', 'db', 'docs']);
    owner.kill('SIGKILL');
    await exited(owner);
    expect(names(readRoutes(dir))).toEqual(['db', 'docs']);
    expect(names(await listRoutes(dir))).toEqual(['db', 'docs']);
    expect(readFileSync(routesPath(dir), 'utf8')).not.toContain('"api"');
  });

  it('does not let a reused pid keep a route (start time differs)', async () => {
    const dir = tempDir();
    const identity = identifyProcess(process.pid);
    if (identity?.startTime === undefined) return; // no start times on this platform
    const stale = {
      ...run('old', process.pid),
      owner: { pid: process.pid, startTime: identity.startTime - 1 },
    };
    await registerRoutes(dir, [stale, run('new', process.pid)]);
    expect(names(await listRoutes(dir))).toEqual(['new']);
  });

  it('refuses a name another live owner holds, naming it, and stores nothing', async () => {
    const dir = tempDir();
    const first = startOwner();
    const second = startOwner();
    await registerRoutes(dir, [run('api', first.pid!, 4000)]);
    const error = await registerRoutes(dir, [
      run('web', second.pid!),
      run('api', second.pid!),
    ]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ROUTE_NAME_TAKEN', pid: first.pid });
    expect(names(await listRoutes(dir))).toEqual(['api']);
    // Once the holder ends, the name is free.
    first.kill('SIGKILL');
    await exited(first);
    await registerRoutes(dir, [run('api', second.pid!, 4100)]);
    expect((await listRoutes(dir)).map((r) => r.upstream.port)).toEqual([4100]);
  });

  it('lets the same owner re-register a name (new upstream) and an alias replace an alias', async () => {
    const dir = tempDir();
    await registerRoutes(dir, [run('api', process.pid, 4000), alias('db', 5432)]);
    await registerRoutes(dir, [
      { ...run('api', process.pid, 4000), upstream: { address: '::1', port: 4000 } },
    ]);
    await registerRoutes(dir, [alias('db', 5433, '::1')]);
    const routes = await listRoutes(dir);
    expect(routes.map((r) => `${r.name} ${r.upstream.address} ${r.upstream.port}`)).toEqual([
      'api ::1 4000',
      'db ::1 5433',
    ]);
  });

  it('keeps runs and aliases apart: an alias holds its name against a run and back', async () => {
    const dir = tempDir();
    await registerRoutes(dir, [alias('db', 5432)]);
    await expect(registerRoutes(dir, [run('db', process.pid)])).rejects.toMatchObject({
      code: 'ROUTE_NAME_TAKEN',
      hint: expect.stringContaining('portier alias db --remove'),
    });
    await registerRoutes(dir, [run('api', process.pid)]);
    await expect(registerRoutes(dir, [alias('api', 4000)])).rejects.toMatchObject({
      code: 'ROUTE_NAME_TAKEN',
      pid: process.pid,
    });
  });

  it('lets two projects have the same service, and a run have that name too', async () => {
    const dir = tempDir();
    const other = startOwner();
    await registerRoutes(dir, [service('api', 'shop', process.pid, 4001)]);
    await registerRoutes(dir, [service('api', 'blog', other.pid!, 4002)]);
    await registerRoutes(dir, [run('api', other.pid!, 4003)]);
    await expect(
      registerRoutes(dir, [service('api', 'shop', other.pid!, 4004)]),
    ).rejects.toMatchObject({ code: 'ROUTE_NAME_TAKEN', pid: process.pid });
    expect(names(await listRoutes(dir))).toEqual(['api.shop', 'api.blog', 'api']);
  });

  it.each([
    ['a bad name', run('My_App', process.pid)],
    ['the dashboard name', run('portier', process.pid)],
    ['a stack route without a project', { ...run('api', process.pid), kind: 'stack' as const }],
    [
      'a name for an upstream',
      { ...run('api', process.pid), upstream: { address: 'localhost', port: 4000 } },
    ],
    [
      'a non-loopback upstream',
      { ...run('api', process.pid), upstream: { address: '10.0.0.1', port: 4000 } },
    ],
    ['port 0', { ...run('api', process.pid), upstream: { address: '127.0.0.1', port: 0 } }],
  ])('refuses %s with INVALID_OPTION', async (_, route) => {
    await expect(registerRoutes(tempDir(), [route])).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
  });

  it('unregisters by owner pid or by predicate, and says how many', async () => {
    const dir = tempDir();
    const other = startOwner();
    await registerRoutes(dir, [run('a', process.pid), run('b', process.pid), run('c', other.pid!)]);
    await registerRoutes(dir, [alias('db', 5432)]);
    expect(await unregisterRoutes(dir, { pid: process.pid })).toBe(2);
    expect(await unregisterRoutes(dir, (r) => r.kind === 'alias' && r.name === 'db')).toBe(1);
    expect(await unregisterRoutes(dir, (r) => r.name === 'nothing')).toBe(0);
    expect(names(await listRoutes(dir))).toEqual(['c']);
  });

  it('keeps a damaged file aside instead of overwriting it', async () => {
    const dir = tempDir();
    writeFileSync(routesPath(dir), '{"version": 1, "routes": [');
    expect(readRoutes(dir)).toEqual([]);
    await registerRoutes(dir, [run('web', process.pid)]);
    const aside = readdirSync(dir).filter((f) => f.startsWith('routes.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe('{"version": 1, "routes": [');
    expect(names(await listRoutes(dir))).toEqual(['web']);
  });

  it('serialises concurrent registrations: none is lost', async () => {
    const dir = tempDir();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        registerRoutes(dir, [run(`app${i}`, process.pid, 4000 + i)]),
      ),
    );
    expect((await listRoutes(dir)).length).toBe(20);
  });
});

describe('createRouteWatcher', () => {
  it('sees changes, keeps the same snapshot while nothing changes, and drops dead owners', async () => {
    const dir = tempDir();
    const watcher = createRouteWatcher(dir, { checkIntervalMs: 0, ownerCheckIntervalMs: 0 });
    expect(watcher.snapshot().routes).toEqual([]);
    const owner = startOwner();
    await registerRoutes(dir, [run('api', owner.pid!, 4000)]);
    const first = watcher.snapshot();
    expect(names(first.routes)).toEqual(['api']);
    expect(first.table.decide('api.localhost:57573')).toMatchObject({ kind: 'forward' });
    expect(watcher.snapshot()).toBe(first);
    owner.kill('SIGKILL');
    await exited(owner);
    const after = watcher.snapshot();
    expect(after.routes).toEqual([]);
    expect(after.version).toBe(first.version + 1);
    expect(after.table.decide('api.localhost')).toEqual({ kind: 'unknown', name: 'api.localhost' });
  });

  it('checks the file at most once per interval on its clock', async () => {
    const dir = tempDir();
    let now = 0;
    const watcher = createRouteWatcher(dir, { checkIntervalMs: 200, now: () => now });
    expect(watcher.snapshot().routes).toEqual([]);
    await registerRoutes(dir, [alias('db', 5432)]);
    now = 199;
    expect(watcher.snapshot().routes).toEqual([]);
    now = 200;
    expect(names(watcher.snapshot().routes)).toEqual(['db']);
    await unregisterRoutes(dir, () => true);
    watcher.refresh();
    expect(watcher.snapshot().routes).toEqual([]);
  });
});
