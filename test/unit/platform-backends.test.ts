import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listListeners, whoHolds } from '../../src/index.js';
import { lsofArgs } from '../../src/sockets/darwin-listeners.js';
import type { RunCommand } from '../../src/sockets/run-command.js';

const captured = (name: string) =>
  readFileSync(new URL(`../fixtures/captured/${name}`, import.meta.url), 'utf8');

/** Answers each platform command with captured output and records what was run. */
function replay(outputs: Record<string, string>, calls: string[][] = []): RunCommand {
  return async (file, args) => {
    calls.push([file, ...args]);
    const out = outputs[file];
    if (out === undefined) throw new Error(`unexpected command ${file}`);
    return out;
  };
}

describe('Windows backend (netstat -ano + tasklist, captured German output)', () => {
  const runCommand = replay({
    netstat: captured('netstat-windows-de.txt'),
    tasklist: captured('tasklist-de.csv'),
  });

  it('lists listeners with process names from tasklist, IPv4 and IPv6', async () => {
    const listeners = await listListeners({ platform: 'win32', runCommand });
    const port3000 = listeners.filter((l) => l.port === 3000);
    expect(port3000.map((l) => [l.family, l.address, l.exposure])).toEqual([
      ['ipv4', '127.0.0.1', 'loopback'],
      ['ipv6', '::1', 'loopback'],
    ]);
    expect(port3000[0]!.processes).toEqual([{ pid: 14588, name: 'node.exe' }]);
    expect(listeners.find((l) => l.port === 135)?.exposure).toBe('all-interfaces');
  });

  it('gives the same listeners for the English sample', async () => {
    const en = await listListeners({
      platform: 'win32',
      runCommand: replay({
        netstat: captured('netstat-windows-en.txt'),
        tasklist: captured('tasklist-en.csv'),
      }),
    });
    const de = await listListeners({ platform: 'win32', runCommand });
    const key = (l: { address: string; port: number; processes: { pid: number }[] }) =>
      `${l.address}:${l.port}/${l.processes.map((p) => p.pid)}`;
    expect(de.map(key)).toEqual(en.map(key));
  });

  it('reports connections on a port for who', async () => {
    const holders = await whoHolds(3000, { platform: 'win32', runCommand });
    expect(holders.status).toBe('listening');
    expect(holders.listeners).toHaveLength(2);
  });
});

describe('macOS backend (lsof -F + ps)', () => {
  it('runs lsof for listeners only and merges a socket shared by several processes', async () => {
    const calls: string[][] = [];
    const runCommand = replay({ lsof: captured('lsof-macos.txt'), ps: '' }, calls);
    const listeners = await listListeners({ platform: 'darwin', runCommand });
    expect(calls[0]).toEqual(['lsof', ...lsofArgs(['tcp'])]);
    expect(lsofArgs(['tcp'])).toContain('-sTCP:LISTEN');
    const shared = listeners.filter((l) => l.port === 8080 && l.family === 'ipv4');
    expect(shared).toHaveLength(1);
    expect(shared[0]!.processes.length).toBeGreaterThan(1);
    expect(listeners.every((l) => l.protocol === 'tcp')).toBe(true);
  });

  it('fills command lines from ps', async () => {
    const lsof = captured('lsof-macos.txt');
    const pid = Number(/^p(\d+)/m.exec(lsof)![1]);
    const runCommand = replay({ lsof, ps: `  ${pid} /usr/sbin/mDNSResponder --flag\n` });
    const listeners = await listListeners({ platform: 'darwin', runCommand, udp: true });
    const owned = listeners.flatMap((l) => l.processes).find((p) => p.pid === pid);
    expect(owned?.command).toBe('/usr/sbin/mDNSResponder --flag');
  });
});

describe('unsupported platform', () => {
  it('fails with UNSUPPORTED_PLATFORM', async () => {
    await expect(listListeners({ platform: 'aix' })).rejects.toMatchObject({
      code: 'UNSUPPORTED_PLATFORM',
    });
  });
});
