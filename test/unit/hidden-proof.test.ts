import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readUptimeTicks } from '../../src/ports/process-tree.js';
import {
  fileProofStore,
  HIDDEN_PROOF_MAX_AGE_MS,
  type HiddenProof,
  memoryProofStore,
  usableReaders,
} from '../../src/sockets/hidden-proof.js';
import { findSocketOwners } from '../../src/sockets/linux-owner-search.js';
import { createFakeProc } from '../helpers/fake-proc.js';

const BOOT = 'c0ffee00-0000-4000-8000-000000000001';

/** 5000 is held by nobody visible; 6000 by the server 200. */
function machine(): string {
  return createFakeProc({
    processes: [
      { pid: 100, name: 'sh', ppid: 1, session: 100, fds: { 0: '/dev/null' } },
      { pid: 200, name: 'server', ppid: 100, session: 100, fds: { 3: 'socket:[6000]' } },
    ],
    files: { 'sys/kernel/random/boot_id': `${BOOT}\n` },
  });
}

/** Adds a process (start time 1000 and parent 1 unless given) holding `fds`. */
function addProcess(
  root: string,
  pid: number,
  fds: Record<number, string>,
  { ppid = 1, start = 1000, session = pid } = {},
): void {
  mkdirSync(join(root, String(pid), 'fd'), { recursive: true });
  writeFileSync(
    join(root, String(pid), 'stat'),
    `${pid} (late) S ${ppid} ${pid} ${session} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 ${start} 0 0\n`,
  );
  for (const [fd, target] of Object.entries(fds))
    symlinkSync(target, join(root, String(pid), 'fd', fd));
}

describe('the proof about sockets without a visible holder', () => {
  it('lets the next family search read only the processes started since', () => {
    const root = machine();
    const proofs = memoryProofStore();
    const wanted = new Set([5000, 6000]);
    const first = findSocketOwners(wanted, root, 'family', proofs);
    expect(first.owners.has(5000)).toBe(false);
    expect(proofs.load()).toMatchObject({ bootId: BOOT, procRoot: root, sockets: [5000] });
    expect(proofs.load()!.readers.sort()).toEqual(['100:1000', '200:1000']);

    // A new process got the socket (forked from its holder, say): it is read and found.
    addProcess(root, 300, { 900: 'socket:[5000]' });
    // An old process that gains it over a Unix socket is not: the family search's blind spot.
    symlinkSync('socket:[5000]', join(root, '200', 'fd', '700'));
    expect(findSocketOwners(wanted, root, 'family', proofs).owners.get(5000)).toEqual([300]);
    // The socket has a holder now, so no new proof is made.
    expect(proofs.load()!.readers.sort()).toEqual(['100:1000', '200:1000']);
    // Without a proof the old process is read again, and found first: 300 is no relative of it.
    expect(findSocketOwners(wanted, root, 'family').owners.get(5000)).toEqual([200]);
    expect(findSocketOwners(wanted, root, 'exhaustive').owners.get(5000)).toEqual([200, 300]);
  });

  it('does not read a process started after the proof from a reader, nor rewrite the proof', () => {
    const root = machine();
    writeFileSync(join(root, 'uptime'), '20.00 35.50\n'); // 2,000 ticks since boot
    let saves = 0;
    const memory = memoryProofStore();
    const proofs = {
      load: memory.load,
      save: (p: HiddenProof) => {
        saves++;
        memory.save(p);
      },
    };
    const wanted = new Set([5000, 6000]);
    findSocketOwners(wanted, root, 'family', proofs);
    expect(proofs.load()).toMatchObject({ savedAtTicks: 2000 });
    expect(saves).toBe(1);
    // The next searches read nothing new (only the old readers run): the proof is not rewritten.
    findSocketOwners(wanted, root, 'family', proofs);
    expect(saves).toBe(1);
    // 400 and its child 401 started after the proof from the reader 100: neither is read past
    // the first pass's skim, so the socket they hold at fd 300 (possible only by fd passing) is
    // not found. 500 started after the proof from init and 600 from a reader before the proof
    // was saved: both are read whole.
    addProcess(root, 400, { 300: 'socket:[5000]' }, { ppid: 100, start: 2500, session: 100 });
    addProcess(root, 401, { 300: 'socket:[5000]' }, { ppid: 400, start: 2600, session: 100 });
    expect(findSocketOwners(wanted, root, 'family', proofs).owners.get(5000)).toBeUndefined();
    expect(saves).toBe(1);
    addProcess(root, 600, { 300: 'socket:[5000]' }, { ppid: 100, start: 1500, session: 100 });
    expect(findSocketOwners(wanted, root, 'family', proofs).owners.get(5000)).toEqual([600]);
    rmSync(join(root, '600'), { recursive: true });
    addProcess(root, 500, { 300: 'socket:[5000]' }, { ppid: 1, start: 2500 });
    expect(findSocketOwners(wanted, root, 'family', proofs).owners.get(5000)).toEqual([500]);
    rmSync(join(root, '500'), { recursive: true });
    // 700 was left to the reader 100 when its parent died: another session, so it is read.
    addProcess(root, 700, { 300: 'socket:[5000]' }, { ppid: 100, start: 2500, session: 650 });
    expect(findSocketOwners(wanted, root, 'family', proofs).owners.get(5000)).toEqual([700]);
  });

  it('names as readers only the processes whose fds were all read', () => {
    const root = createFakeProc({
      processes: [
        { pid: 200, name: 'server', ppid: 1, session: 200, fds: { 3: 'socket:[6000]' } },
        { pid: 300, name: 'other-user', ppid: 1, session: 300, fdUnreadable: true },
      ],
      files: { 'sys/kernel/random/boot_id': `${BOOT}\n` },
    });
    const proofs = memoryProofStore();
    findSocketOwners(new Set([5000, 6000]), root, 'family', proofs);
    expect(proofs.load()!.readers).toEqual(['200:1000']);
  });

  it('is neither kept nor used without a boot id', () => {
    const root = createFakeProc({
      processes: [{ pid: 200, name: 'server', ppid: 1, session: 200, fds: { 3: 'socket:[6000]' } }],
    });
    const proofs = memoryProofStore();
    findSocketOwners(new Set([5000, 6000]), root, 'family', proofs);
    expect(proofs.load()).toBeUndefined();
  });

  it('stands only for the same boot, /proc and sockets, and for 10 minutes', () => {
    const proof: HiddenProof = {
      bootId: BOOT,
      procRoot: '/proc',
      at: 1_000_000,
      sockets: [5000, 5001],
      readers: ['100:1000'],
    };
    const now = { bootId: BOOT, procRoot: '/proc', now: 1_000_000 + 60_000 };
    expect(usableReaders(proof, now, [5000])).toEqual(new Set(['100:1000']));
    expect(usableReaders(proof, now, [5000, 5002])).toBeUndefined();
    expect(usableReaders(proof, { ...now, bootId: 'other' }, [5000])).toBeUndefined();
    expect(usableReaders(proof, { ...now, procRoot: '/tmp/proc' }, [5000])).toBeUndefined();
    const late = { ...now, now: proof.at + HIDDEN_PROOF_MAX_AGE_MS + 1 };
    expect(usableReaders(proof, late, [5000])).toBeUndefined();
    expect(usableReaders(proof, { ...now, now: proof.at - 1 }, [5000])).toBeUndefined();
    expect(usableReaders(undefined, now, [5000])).toBeUndefined();
  });

  it('is kept in a file that separate processes share; a bad file is no proof and a failed write no error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portier-proof-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'state', 'hidden-sockets.json');
    const proof: HiddenProof = {
      bootId: BOOT,
      procRoot: '/proc',
      at: 1,
      sockets: [7],
      readers: ['1:2'],
    };
    expect(fileProofStore(path).load()).toBeUndefined();
    fileProofStore(path).save(proof);
    expect(fileProofStore(path).load()).toEqual(proof);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(proof);
    for (const bad of ['{', '[]', '{"bootId":1}', JSON.stringify({ ...proof, sockets: ['7'] })]) {
      writeFileSync(path, bad);
      expect(fileProofStore(path).load()).toBeUndefined();
    }
    const blocked = join(dir, 'file');
    writeFileSync(blocked, '');
    expect(() => fileProofStore(join(blocked, 'hidden-sockets.json')).save(proof)).not.toThrow();
  });
});

describe('readUptimeTicks', () => {
  it('reads clock ticks from /proc/uptime exactly, and nothing from a missing or odd file', () => {
    const root = createFakeProc({ files: { uptime: '1234.57 2000.10\n' } });
    expect(readUptimeTicks(root)).toBe(123457);
    writeFileSync(join(root, 'uptime'), 'soon\n');
    expect(readUptimeTicks(root)).toBeUndefined();
    expect(readUptimeTicks(join(root, 'missing'))).toBeUndefined();
  });
});
