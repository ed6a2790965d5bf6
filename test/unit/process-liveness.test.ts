import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { identifyProcess } from '../../src/ports/process-liveness.js';

describe('identifyProcess of this process', () => {
  it('keeps its start time once read in full, and not a read that failed', () => {
    const procRoot = mkdtempSync(join(tmpdir(), 'portier-liveness-'));
    onTestFinished(() => rmSync(procRoot, { recursive: true, force: true }));
    const stat = join(procRoot, String(process.pid), 'stat');
    // No stat file yet: alive (signal 0) but without a start time, which is not kept.
    expect(identifyProcess(process.pid, procRoot)).toEqual({ pid: process.pid });
    mkdirSync(join(procRoot, String(process.pid)));
    writeFileSync(stat, `${process.pid} (node) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 4242 0 0\n`);
    expect(identifyProcess(process.pid, procRoot)).toEqual({ pid: process.pid, startTime: 4242 });
    rmSync(stat);
    expect(identifyProcess(process.pid, procRoot)).toEqual({ pid: process.pid, startTime: 4242 });
  });

  // Each step rewrites the stat file of pid 9 and says whether it runs then: a zombie main
  // thread counts as running while its other threads (num_threads, field 20) still exit, since
  // they hold the process's files.
  it.each([
    ['sleeping', 'S', 1, true],
    ['a zombie whose two other threads still exit', 'Z', 3, true],
    ['a zombie alone', 'Z', 1, false],
  ] as const)('reads another process anew every time: %s', (_what, state, threads, running) => {
    const procRoot = mkdtempSync(join(tmpdir(), 'portier-liveness-'));
    onTestFinished(() => rmSync(procRoot, { recursive: true, force: true }));
    mkdirSync(join(procRoot, '9'));
    const stat = join(procRoot, '9', 'stat');
    writeFileSync(stat, '9 (node) S 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 7 0 0\n');
    expect(identifyProcess(9, procRoot)).toEqual({ pid: 9, startTime: 7 });
    writeFileSync(stat, `9 (node) ${state} 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 ${threads} 0 7 0 0\n`);
    expect(identifyProcess(9, procRoot)).toEqual(running ? { pid: 9, startTime: 7 } : undefined);
  });
});
