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

  it('reads another process anew every time', () => {
    const procRoot = mkdtempSync(join(tmpdir(), 'portier-liveness-'));
    onTestFinished(() => rmSync(procRoot, { recursive: true, force: true }));
    mkdirSync(join(procRoot, '1'));
    writeFileSync(
      join(procRoot, '1', 'stat'),
      '1 (init) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 7 0 0\n',
    );
    expect(identifyProcess(1, procRoot)).toEqual({ pid: 1, startTime: 7 });
    writeFileSync(
      join(procRoot, '1', 'stat'),
      '1 (init) Z 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 7 0 0\n',
    );
    expect(identifyProcess(1, procRoot)).toBeUndefined(); // a zombie is gone
  });

  it('counts a zombie main thread as running while its other threads still exit', () => {
    const procRoot = mkdtempSync(join(tmpdir(), 'portier-liveness-'));
    onTestFinished(() => rmSync(procRoot, { recursive: true, force: true }));
    mkdirSync(join(procRoot, '9'));
    // Field 20, num_threads, is 3: two threads still hold the process's files.
    writeFileSync(
      join(procRoot, '9', 'stat'),
      '9 (node) Z 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 3 0 7 0 0\n',
    );
    expect(identifyProcess(9, procRoot)).toEqual({ pid: 9, startTime: 7 });
    writeFileSync(
      join(procRoot, '9', 'stat'),
      '9 (node) Z 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 7 0 0\n',
    );
    expect(identifyProcess(9, procRoot)).toBeUndefined();
  });
});
