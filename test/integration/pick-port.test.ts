import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isFreeOnLoopback,
  listLeases,
  pickPort,
  probeBind,
  releasePorts,
} from '../../src/index.js';
import { exited, killQuietly } from '../helpers/fixtures.js';
import { listenHere } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('pickPort', () => {
  it('returns a port that binds on 127.0.0.1 and on ::1', async () => {
    const { port } = await pickPort({ stateDir: tempDir() });
    expect(await probeBind('127.0.0.1', port)).toBe('free');
    expect(await probeBind('::1', port)).toBe('free');
  });

  it('skips a preferred port held on ::1 only', async () => {
    const { port: held } = await listenHere('::1');
    expect(await probeBind('127.0.0.1', held)).toBe('free');
    const result = await pickPort({ prefer: held, stateDir: tempDir() });
    expect(result.port).not.toBe(held);
  });

  it('skips a preferred port held on 127.0.0.1 only', async () => {
    const { port: held } = await listenHere('127.0.0.1');
    // A few spare ports: a neighbour may be in use by a parallel test.
    const range = { from: held, to: Math.min(held + 20, 65535) };
    const result = await pickPort({ prefer: held, range, stateDir: tempDir() });
    expect(result.port).not.toBe(held);
    expect(result.port).toBeGreaterThan(held);
    expect(result.port).toBeLessThanOrEqual(range.to);
  });

  it('skips a port with a listener on another loopback address (127.0.0.2), seen in the socket table', async () => {
    const { port: held } = await listenHere('127.0.0.2');
    expect(await isFreeOnLoopback(held)).toBe(true);
    const result = await pickPort({ prefer: held, stateDir: tempDir(), tableMaxAgeMs: 0 });
    expect(result.port).not.toBe(held);
  });

  it('never returns a browser-blocked port', async () => {
    const result = await pickPort({ range: { from: 6665, to: 6670 }, lease: false });
    expect(result.port).toBe(6670);
    expect(result.range).toEqual({ from: 6665, to: 6670 });
  });

  it('hands each port to one caller only while the lease lives', async () => {
    const stateDir = tempDir();
    const range = { from: 61010, to: 61013 };
    const picks = await Promise.all([1, 2, 3, 4].map(() => pickPort({ range, stateDir })));
    expect(new Set(picks.map((p) => p.port)).size).toBe(4);
    await expect(pickPort({ range, stateDir })).rejects.toMatchObject({ code: 'NO_FREE_PORT' });
    expect((await listLeases({ stateDir })).length).toBe(4);
  });

  it('gives several distinct ports with count', async () => {
    const result = await pickPort({ count: 5, stateDir: tempDir() });
    expect(new Set(result.ports).size).toBe(5);
    expect(result.leases.map((l) => l.port)).toEqual(result.ports);
  });

  it('lets a lease die with its owner process', async () => {
    const stateDir = tempDir();
    const owner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], {
      stdio: 'ignore',
    });
    try {
      const range = { from: 61020, to: 61020 };
      await pickPort({ range, stateDir, owner: owner.pid! });
      await expect(pickPort({ range, stateDir })).rejects.toMatchObject({ code: 'NO_FREE_PORT' });
      owner.kill('SIGKILL');
      await exited(owner);
      expect((await pickPort({ range, stateDir })).port).toBe(61020);
    } finally {
      killQuietly(owner.pid);
    }
  });

  it('lets a lease expire', async () => {
    const stateDir = tempDir();
    const range = { from: 61030, to: 61030 };
    await pickPort({ range, stateDir, ttlMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await pickPort({ range, stateDir })).port).toBe(61030);
  });

  it('sets a damaged ledger aside and keeps working', async () => {
    const stateDir = tempDir();
    writeFileSync(join(stateDir, 'leases.json'), '{ half a ledger');
    const result = await pickPort({ stateDir });
    expect(result.ports).toHaveLength(1);
    const kept = readdirSync(stateDir).filter((f) => f.startsWith('leases.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(stateDir, kept[0]!), 'utf8')).toBe('{ half a ledger');
  });

  it('rewrites the ledger in place: a shorter ledger comes first, the old bytes past it blanked', async () => {
    const stateDir = tempDir();
    const path = join(stateDir, 'leases.json');
    const { ports } = await pickPort({ stateDir, count: 20 });
    const long = readFileSync(path, 'utf8');
    await releasePorts(ports.slice(1), { stateDir });
    const short = readFileSync(path, 'utf8');
    expect(short.length).toBe(long.length);
    const end = short.indexOf('\n');
    expect(short.slice(end + 1).trim()).toBe('');
    expect(JSON.parse(short.slice(0, end)).leases.map((l: { port: number }) => l.port)).toEqual([
      ports[0],
    ]);
  });

  it('replaces a ledger far longer than it needs to be with one of the right size', async () => {
    const stateDir = tempDir();
    const path = join(stateDir, 'leases.json');
    const { ports } = await pickPort({ stateDir, count: 200 });
    await releasePorts(ports.slice(1), { stateDir });
    const text = readFileSync(path, 'utf8');
    expect(text.indexOf('\n')).toBe(text.length - 1);
    expect(JSON.parse(text).leases).toHaveLength(1);
  });

  it("reads only the first line of a ledger with a racing writer's longer line after it", async () => {
    const stateDir = tempDir();
    const path = join(stateDir, 'leases.json');
    const range = { from: 61040, to: 61041 };
    const lease = { port: 61040, pid: process.pid, expiresAt: Date.now() + 60_000 };
    writeFileSync(path, `${JSON.stringify({ version: 1, leases: [lease] })}\n,"pid":1}]}\n`);
    expect((await pickPort({ stateDir, range })).port).toBe(61041); // 61040 is still leased
    expect(readdirSync(stateDir).some((f) => f.includes('corrupt'))).toBe(false);
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(2); // one line, then the end
  });

  it('says the state directory is unusable when the ledger cannot be opened', async () => {
    const stateDir = tempDir();
    mkdirSync(join(stateDir, 'leases.json')); // a directory where the ledger file should be
    await expect(pickPort({ stateDir })).rejects.toMatchObject({
      code: 'STATE_DIR_UNUSABLE',
      message: expect.stringContaining('leases.json'),
    });
  });

  it('takes over a lock left by a dead process', async () => {
    const stateDir = tempDir();
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await exited(dead);
    writeFileSync(join(stateDir, 'leases.json.lock'), String(dead.pid));
    expect((await pickPort({ stateDir })).ports).toHaveLength(1);
  });

  it.each([
    [{ prefer: 0 }, 'INVALID_PORT'],
    [{ range: { from: 10, to: 5 } }, 'INVALID_PORT_RANGE'],
    [{ count: 0 }, 'INVALID_OPTION'],
  ])('rejects %o with %s', async (options, code) => {
    await expect(pickPort({ ...options, lease: false })).rejects.toMatchObject({ code });
  });
});
