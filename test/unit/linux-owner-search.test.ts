import { describe, expect, it } from 'vitest';
import { findSocketOwners, sortNewestFirst } from '../../src/sockets/linux-owner-search.js';
import { createFakeProc, type FakeProcess } from '../helpers/fake-proc.js';

// pid → ppid: 1 ← 100 (shell) ← 200 (server master) ← 201, 202 (workers); 1 ← 300 (unrelated)
// The master and both workers share socket 5000 (fork); 300 got it over a Unix socket.
function tree(): string {
  return createFakeProc({
    processes: [
      { pid: 100, name: 'sh', ppid: 1, fds: { 0: '/dev/null' } },
      {
        pid: 200,
        name: 'master',
        ppid: 100,
        fds: { 3: 'socket:[5000]', 4: 'socket:[6000]', 5: 'socket:[7000]' },
      },
      { pid: 201, name: 'worker', ppid: 200, fds: { 3: 'socket:[5000]' } },
      { pid: 202, name: 'worker', ppid: 200, fds: { 7: '/tmp/log', 9: 'socket:[5000]' } },
      { pid: 300, name: 'other', ppid: 1, fds: { 3: 'socket:[5000]' } },
    ],
  });
}

/** Who `family` finds holding socket 5000 among `processes`. */
function familyHolders(processes: FakeProcess[]): number[] | undefined {
  const root = createFakeProc({ processes });
  return findSocketOwners(new Set([5000]), root, 'family').owners.get(5000);
}

describe('findSocketOwners', () => {
  it('exhaustive finds every holder, related or not', () => {
    const { owners } = findSocketOwners(new Set([5000]), tree(), 'exhaustive');
    expect(owners.get(5000)).toEqual([200, 201, 202, 300]);
  });

  it('family finds the forked holders and, by design, not a process handed the socket over a Unix socket', () => {
    const { owners } = findSocketOwners(new Set([5000, 6000]), tree(), 'family');
    expect(owners.get(5000)).toEqual([200, 201, 202]);
    expect(owners.get(6000)).toEqual([200]);
  });

  it("family also reads the holders' session: workers orphaned when their master died", () => {
    // 400 was the master (gone); its workers 401 and 402 were reparented to init but keep
    // session 400. 500 is another session and is not read.
    expect(
      familyHolders([
        { pid: 401, name: 'worker', ppid: 1, session: 400, fds: { 3: 'socket:[5000]' } },
        { pid: 402, name: 'worker', ppid: 1, session: 400, fds: { 8: 'socket:[5000]' } },
        { pid: 500, name: 'other', ppid: 1, fds: { 3: 'socket:[5000]' } },
      ]),
    ).toEqual([401, 402]);
  });

  it('family reads everything when an orphaned holder has no session (entered from outside a container)', () => {
    // Session 0: the workers' session leader lives outside this pid namespace, so neither the
    // tree nor the session links 601 to 602.
    expect(
      familyHolders([
        { pid: 601, name: 'worker', ppid: 1, session: 0, fds: { 3: 'socket:[5000]' } },
        { pid: 602, name: 'worker', ppid: 1, session: 0, fds: { 8: 'socket:[5000]' } },
      ]),
    ).toEqual([601, 602]);
  });

  it('family never opens the fd table of a kernel thread', () => {
    // A kernel thread has no open files; this fake one lists a socket only to show it is not read.
    const processes: FakeProcess[] = [
      {
        pid: 2,
        name: 'kthreadd',
        ppid: 0,
        session: 0,
        kernelThread: true,
        fds: { 3: 'socket:[5000]' },
      },
      {
        pid: 50,
        name: 'kworker',
        ppid: 2,
        session: 0,
        kernelThread: true,
        fds: { 3: 'socket:[5000]' },
      },
      { pid: 200, name: 'server', ppid: 1, fds: { 3: 'socket:[5000]' } },
    ];
    expect(familyHolders(processes)).toEqual([200]);
    const root = createFakeProc({ processes });
    expect(findSocketOwners(new Set([5000]), root, 'exhaustive').owners.get(5000)).toEqual([
      2, 50, 200,
    ]);
  });

  it('notes the fd at which each holder it found keeps a wanted socket', () => {
    const fds = new Map<number, Map<string, number>>();
    findSocketOwners(new Set([5000, 6000]), tree(), 'family', undefined, undefined, fds);
    expect(Object.fromEntries([...fds].map(([pid, at]) => [pid, Object.fromEntries(at)]))).toEqual({
      200: { 3: 5000, 4: 6000 },
      201: { 3: 5000 },
      202: { 9: 5000 },
    });
    const first = new Map<number, Map<string, number>>();
    findSocketOwners(new Set([5000]), tree(), 'first', undefined, undefined, first);
    expect([...first.keys()]).toEqual([300]);
  });

  it('first reads the newest processes first and stops once each socket has a holder', () => {
    expect(findSocketOwners(new Set([5000]), tree(), 'first').owners.get(5000)).toEqual([300]);
    // 6000 only the oldest holds: every holder of 5000 met on the way is kept.
    const { owners } = findSocketOwners(new Set([5000, 6000]), tree(), 'first');
    expect(owners.get(5000)).toEqual([200, 201, 202, 300]);
    expect(owners.get(6000)).toEqual([200]);
  });

  it('family finds the same holders when it stops reading a holder that holds every wanted socket', () => {
    const fds: Record<number, string> = { 3: 'socket:[5000]' };
    for (let fd = 4; fd < 300; fd++) fds[fd] = `socket:[${9000 + fd}]`;
    fds[300] = 'socket:[5000]'; // a dup of the same socket: nothing new to find
    expect(
      familyHolders([
        { pid: 200, name: 'server', ppid: 100, session: 100, fds },
        { pid: 201, name: 'worker', ppid: 200, session: 100, fds: { 3: 'socket:[5000]' } },
        { pid: 100, name: 'sh', ppid: 1, session: 100, fds: { 0: '/dev/null' } },
      ]),
    ).toEqual([200, 201]);
  });

  it("reads a long fd table whole, past the first pass's skim", () => {
    // 1,500 fds, the wanted sockets all past the first 256 that the first pass reads.
    const fds: Record<number, string> = {};
    for (let fd = 0; fd < 1500; fd++) fds[fd] = `socket:[${20000 + fd}]`;
    fds[700] = 'socket:[5000]';
    fds[1400] = 'socket:[6000]';
    fds[1499] = 'socket:[5000]';
    const root = createFakeProc({
      processes: [
        { pid: 100, name: 'sh', ppid: 1, session: 100, fds: { 0: '/dev/null' } },
        { pid: 200, name: 'busy', ppid: 100, session: 100, fds },
        { pid: 300, name: 'late', ppid: 1, session: 300, fds: { 1200: 'socket:[7000]' } },
      ],
    });
    const wanted = new Set([5000, 6000, 7000, 9999]);
    for (const search of ['family', 'exhaustive'] as const) {
      const { owners } = findSocketOwners(wanted, root, search);
      expect(Object.fromEntries(owners)).toEqual({ 5000: [200], 6000: [200], 7000: [300] });
    }
  });

  it('family climbs from a worker found first to its master and reads the whole tree below it', () => {
    // Node lists /proc in string order, so 1003 (a worker) is read before its master 998. Worker
    // 1004 moved the socket to fd 700; master's sibling 999 holds a copy at fd 900 that came
    // over a Unix socket: siblings are read only below fd 256.
    const busy: Record<number, string> = {};
    for (let fd = 0; fd < 1000; fd++) busy[fd] = `socket:[${20000 + fd}]`;
    const moved: Record<number, string> = { 700: 'socket:[5000]' };
    const root = createFakeProc({
      processes: [
        { pid: 100, name: 'sh', ppid: 1, session: 100, fds: { 0: '/dev/null' } },
        { pid: 998, name: 'master', ppid: 100, session: 100, fds: { 3: 'socket:[5000]' } },
        { pid: 999, name: 'busy', ppid: 100, session: 100, fds: { ...busy, 900: 'socket:[5000]' } },
        { pid: 1003, name: 'worker', ppid: 998, session: 100, fds: { 3: 'socket:[5000]' } },
        { pid: 1004, name: 'worker', ppid: 998, session: 100, fds: moved },
      ],
    });
    const wanted = new Set([5000]);
    expect(findSocketOwners(wanted, root, 'family').owners.get(5000)).toEqual([998, 1003, 1004]);
    expect(findSocketOwners(wanted, root, 'exhaustive').owners.get(5000)).toEqual([
      998, 999, 1003, 1004,
    ]);
  });

  it("family reads the low fds of a holder's siblings: a launcher that closed its own copy", () => {
    expect(
      familyHolders([
        { pid: 100, name: 'launcher', ppid: 1, session: 100, fds: { 0: '/dev/null' } },
        { pid: 101, name: 'worker', ppid: 100, session: 100, fds: { 3: 'socket:[5000]' } },
        { pid: 102, name: 'worker', ppid: 100, session: 100, fds: { 3: 'socket:[5000]' } },
      ]),
    ).toEqual([101, 102]);
  });

  it('family finds workers orphaned under a subreaper through their session', () => {
    // The master (200) died; its workers went to the subreaper 50, not to init.
    expect(
      familyHolders([
        { pid: 50, name: 'subreaper', ppid: 1, session: 50, fds: { 0: '/dev/null' } },
        { pid: 201, name: 'worker', ppid: 50, session: 200, fds: { 3: 'socket:[5000]' } },
        { pid: 202, name: 'worker', ppid: 50, session: 200, fds: { 3: 'socket:[5000]' } },
      ]),
    ).toEqual([201, 202]);
  });

  it('family reads the whole session of workers orphaned under a subreaper, high fds included', () => {
    // The session leader (the master, 2000) is gone: the session is read whole.
    expect(
      familyHolders([
        { pid: 1000, name: 'subreaper', ppid: 1, session: 1000, fds: { 0: '/dev/null' } },
        { pid: 2001, name: 'worker', ppid: 1000, session: 2000, fds: { 300: 'socket:[5000]' } },
        { pid: 2002, name: 'worker', ppid: 1000, session: 2000, fds: { 300: 'socket:[5000]' } },
      ]),
    ).toEqual([2001, 2002]);
  });

  it('family reads everything when init holds the socket above the first pass (socket activation)', () => {
    expect(
      familyHolders([
        { pid: 1, name: 'systemd', ppid: 0, fds: { 300: 'socket:[5000]' } },
        { pid: 500, name: 'service', ppid: 1, session: 500, fds: { 3: 'socket:[5000]' } },
        { pid: 600, name: 'other', ppid: 1, session: 600, fds: { 900: 'socket:[5000]' } },
      ]),
    ).toEqual([1, 500, 600]);
  });

  it('family ends and reads everything when the parents loop (pid reuse between stat reads)', () => {
    expect(
      familyHolders([
        { pid: 100, name: 'a', ppid: 200, session: 100, fds: { 3: 'socket:[5000]' } },
        { pid: 200, name: 'b', ppid: 100, session: 100, fds: { 0: '/dev/null' } },
        { pid: 300, name: 'c', ppid: 1, session: 300, fds: { 700: 'socket:[5000]' } },
      ]),
    ).toEqual([100, 300]);
  });

  it('family falls back to a full read when a socket has no visible holder', () => {
    const { owners } = findSocketOwners(new Set([5000, 9999]), tree(), 'family');
    expect(owners.get(5000)).toEqual([200, 201, 202, 300]);
    expect(owners.has(9999)).toBe(false);
  });

  it("family reads a holder's relative whole when it lacks one of the holder's sockets", () => {
    // 201 forked from 200 before 200 opened 6001 at fd 4; 201 later got its own copy at fd 300
    // (past the first pass). Lacking 6001 after that pass, it must be read whole.
    const root = createFakeProc({
      processes: [
        { pid: 200, name: 'server', ppid: 1, fds: { 3: 'socket:[6000]', 4: 'socket:[6001]' } },
        {
          pid: 201,
          name: 'worker',
          ppid: 200,
          session: 200,
          fds: { 3: 'socket:[6000]', 300: 'socket:[6001]' },
        },
        { pid: 300, name: 'other', ppid: 1, fds: { 3: 'socket:[7000]' } },
      ],
    });
    const { owners } = findSocketOwners(new Set([6000, 6001, 7000]), root, 'family');
    expect(owners.get(6000)).toEqual([200, 201]);
    expect(owners.get(6001)).toEqual([200, 201]);
    expect(owners.get(7000)).toEqual([300]);
  });
});

describe('sortNewestFirst', () => {
  it('runs down from this process, then down from the top past the wrap, this process last', () => {
    // pid_max 32768 wrapped: 30000 and 20000 were handed out before 100, 14000 and 14770.
    const pids = [1, 100, 14770, 14000, 20000, 30000, 14775, 31692];
    expect(sortNewestFirst(pids, 14775)).toEqual([
      14770, 14000, 100, 1, 31692, 30000, 20000, 14775,
    ]);
  });

  it('is plain descending order when nothing wrapped', () => {
    expect(sortNewestFirst([3, 10, 7, 1], 12)).toEqual([10, 7, 3, 1]);
  });
});
