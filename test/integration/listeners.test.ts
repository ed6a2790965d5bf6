import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type Listener, listListeners, whoHolds } from '../../src/index.js';
import { closeFdCursor, openFdCursor, readFdLinks } from '../../src/sockets/linux-fd-scan.js';
import { readProcStat } from '../../src/sockets/linux-process.js';
import { assertCliBuilt, runCli } from '../helpers/cli.js';
import {
  exited,
  type Fixture,
  fixturePath,
  killQuietly,
  startFixture,
} from '../helpers/fixtures.js';
import { listenHere } from '../helpers/servers.js';
import { createTimeWaitPort } from '../helpers/time-wait.js';

/** The listeners a fixture holds: on its port and naming its pid (another test may share the port number). */
function listenersOf(listeners: readonly Listener[], fixture: Fixture): Listener[] {
  return listeners.filter(
    (l) => l.port === fixture.port && l.processes.some((p) => p.pid === fixture.pid),
  );
}

describe('listListeners on live loopback listeners', () => {
  const me = { uid: process.getuid!(), user: userInfo().username };

  it.each([
    { host: '127.0.0.1', family: 'ipv4', exposure: 'loopback' },
    { host: '::1', family: 'ipv6', exposure: 'loopback' },
    { host: '0.0.0.0', family: 'ipv4', exposure: 'all-interfaces' },
    { host: '::', family: 'ipv6', exposure: 'all-interfaces' },
    // 127.0.0.2 is loopback too: the whole of 127.0.0.0/8 is (RFC 1122 3.2.1.3).
    { host: '127.0.0.2', family: 'ipv4', exposure: 'loopback' },
  ])('reports $host as $family, $exposure, with the fixture process', async (want) => {
    const fixture = await startFixture('listen.mjs', [want.host, '0']);
    const mine = listenersOf(await listListeners(), fixture);
    expect(mine).toHaveLength(1);
    const listener = mine[0]!;
    expect(listener).toMatchObject({
      protocol: 'tcp',
      family: want.family,
      address: want.host,
      port: fixture.port,
      exposure: want.exposure,
      ownerHidden: false,
      uid: me.uid,
      user: me.user,
    });
    expect(listener.processes).toHaveLength(1);
    const process0 = listener.processes[0]!;
    expect(process0).toMatchObject({
      pid: fixture.pid,
      name: 'node',
      uid: me.uid,
      user: me.user,
      cwd: process.cwd(),
    });
    expect(process0.command).toContain('listen.mjs');
  });

  it('shows both pids on ONE listener when a forked pair shares a socket', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0', '--share']);
    expect(fixture.sharedWith).toBeTypeOf('number');
    const mine = (await listListeners()).filter((l) => l.port === fixture.port);
    expect(mine).toHaveLength(1);
    const pids = mine[0]!.processes.map((p) => p.pid).sort((a, b) => a - b);
    expect(pids).toEqual([fixture.pid, fixture.sharedWith!].sort((a, b) => a - b));
  });

  it('whoHolds shows both workers of a master that died: orphaned, they keep its session', async () => {
    const master = spawn(process.execPath, [fixturePath('orphan-workers.mjs')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: master.stdout! }).once('line', resolve),
    );
    const { port, workers } = JSON.parse(line) as { port: number; workers: number[] };
    onTestFinished(() => {
      for (const pid of workers) killQuietly(pid);
    });
    await exited(master);
    // Reparented away from the master: each worker's family is now only itself.
    for (const pid of workers) expect(readProcStat(pid)?.ppid).not.toBe(master.pid);
    // whoHolds: listListeners here also wants init's own listener, which makes it read everything.
    const { listeners } = await whoHolds(port);
    expect(listeners).toHaveLength(1);
    expect(listeners[0]!.processes.map((p) => p.pid).sort((a, b) => a - b)).toEqual(
      [...workers].sort((a, b) => a - b),
    );
  });

  it('includes a bound UDP socket with udp: true and leaves it out without', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0', '--udp']);
    const withUdp = listenersOf(await listListeners({ udp: true }), fixture);
    expect(withUdp).toHaveLength(1);
    expect(withUdp[0]).toMatchObject({
      protocol: 'udp',
      family: 'ipv4',
      address: '127.0.0.1',
      exposure: 'loopback',
    });
    expect(listenersOf(await listListeners(), fixture)).toEqual([]);
  });
});

describe('the scan leaves nothing open', () => {
  it('closes every fd directory it listed, whichever way each search ended', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0']);
    // Over 512 fds here: a long table, whose low fds are tried by number, not listed.
    const extra = Array.from({ length: 600 }, () => openSync('/dev/null', 'r'));
    onTestFinished(() => {
      for (const fd of extra) closeSync(fd);
    });
    const fdCount = () => readdirSync('/proc/self/fd').length;
    const before = fdCount();
    const wanted = { wanted: new Set<number>(), owners: new Map<number, number[]>() };
    // A skim of the low fds lists nothing.
    const skimmed = openFdCursor(process.pid)!;
    readFdLinks(process.pid, skimmed, wanted, { below: 256 });
    expect(skimmed.listing).toBeUndefined();
    expect(fdCount()).toBe(before);
    // Reading on lists the rest; stopping midway leaves the listing open until closed.
    readFdLinks(process.pid, skimmed, wanted, { below: 400 });
    expect(skimmed.listing).toBeDefined();
    expect(fdCount()).toBe(before + 1);
    closeFdCursor(skimmed);
    expect(fdCount()).toBe(before);
    // Read to the end, the listing closes itself, and every open fd was seen once, in order.
    const open = readdirSync('/proc/self/fd').map(Number);
    const whole = openFdCursor(process.pid)!;
    readFdLinks(process.pid, whole, wanted);
    expect(whole.listing).toBeUndefined();
    const seen = whole.fds.map(Number);
    expect(seen).toEqual([...new Set(seen)].sort((a, b) => a - b));
    for (const fd of open.filter((n) => n !== Math.max(...open))) {
      if (fd >= 256) expect(seen).toContain(fd); // below 256 the names are tried by number
    }
    expect(fdCount()).toBe(before);
    for (let i = 0; i < 5; i++) {
      await listListeners();
      await listListeners({ exhaustive: true });
      await whoHolds(fixture.port);
      await listListeners({ hiddenProof: false });
    }
    expect(fdCount()).toBe(before);
  });

  it('reads a table of 257–512 fds in fd order, so a skim finds a listener at a low fd', async () => {
    const { server } = await listenHere('127.0.0.1');
    onTestFinished(() => {
      server.close();
    });
    const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
    const inode = Number(readlinkSync(`/proc/self/fd/${fd}`).slice('socket:['.length, -1));
    const open = readdirSync('/proc/self/fd').length;
    const extra = Array.from({ length: Math.max(0, 300 - open) }, () => openSync('/dev/null', 'r'));
    onTestFinished(() => {
      for (const e of extra) closeSync(e);
    });
    const cursor = openFdCursor(process.pid)!;
    expect(cursor.probedBelow).toBeUndefined(); // listed at once: 257–512 fds
    const search = { wanted: new Set([inode]), owners: new Map<number, number[]>() };
    readFdLinks(process.pid, cursor, search, { below: 256 });
    closeFdCursor(cursor);
    expect(search.owners.get(inode)).toEqual([process.pid]);
    const numbers = cursor.fds.map(Number);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });

  it('finds the sockets of a long fd table below and past its low fds', async () => {
    const low = await listenHere('127.0.0.1');
    const extra = Array.from({ length: 600 }, () => openSync('/dev/null', 'r'));
    onTestFinished(() => {
      for (const fd of extra) closeSync(fd);
    });
    const high = await listenHere('127.0.0.1'); // opened past 600 fds
    onTestFinished(() => {
      low.server.close();
      high.server.close();
    });
    const listeners = await listListeners({ hiddenProof: false });
    for (const { port } of [low, high]) {
      const row = listeners.find((l) => l.port === port);
      expect(row?.processes.map((p) => p.pid)).toEqual([process.pid]);
    }
  });
});

describe('whoHolds on live ports', () => {
  beforeAll(assertCliBuilt);

  it('reports a port with only TIME_WAIT leftovers as time-wait-only, and `portier who` exits 0', async () => {
    const port = await createTimeWaitPort();
    const holders = await whoHolds(port);
    expect(holders.status).toBe('time-wait-only');
    expect(holders.timeWait).toBeGreaterThanOrEqual(1);
    expect(holders.listeners).toEqual([]);
    const run = await runCli(['who', String(port)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Port ${port}: time-wait-only`);
    expect(run.stdout).toContain('TIME_WAIT');
  });

  it('reports a port nothing uses as free', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    server.close();
    await once(server, 'close');
    const holders = await whoHolds(port);
    expect(holders).toEqual({
      port,
      status: 'free',
      listeners: [],
      timeWait: 0,
      connections: [],
      connectionsCounted: true,
    });
  });

  it('reports a live listener as listening, with its process', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0']);
    const holders = await whoHolds(fixture.port);
    expect(holders.status).toBe('listening');
    expect(holders.listeners.flatMap((l) => l.processes.map((p) => p.pid))).toContain(fixture.pid);
  });
});
