import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { hasStoppedRunning, identifyProcess } from '../../src/ports/process-liveness.js';
import { exited } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

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

/** The stat line of a task: `flags` is field 9, num_threads field 20. */
const statLine = (pid: number, state: string, flags: number, threads: number) =>
  `${pid} (node) ${state} 1 9 9 0 -1 ${flags} 0 0 0 0 0 0 0 0 20 0 ${threads} 0 7 0 0\n`;
/** The kernel's flags of a task in its exit path, as read here (PF_EXITING is 0x4). */
const EXITING = 0x40044c;
const RUNNING = 0x400040;

/** A proc root with pid 9: its main thread's stat and each thread's under `task/`. */
function procWithThreads(main: string, tasks: Record<string, string>): string {
  const root = tempDir('portier-liveness-');
  mkdirSync(join(root, '9', 'task'), { recursive: true });
  writeFileSync(join(root, '9', 'stat'), main);
  for (const [tid, line] of Object.entries(tasks)) {
    mkdirSync(join(root, '9', 'task', tid));
    writeFileSync(join(root, '9', 'task', tid, 'stat'), line);
  }
  return root;
}

describe('hasStoppedRunning', () => {
  it.each([
    ['a running main thread with threads', statLine(9, 'S', RUNNING, 3), {}, false],
    ['a single thread in the exit path', statLine(9, 'R', EXITING, 1), {}, true],
    ['a zombie alone', statLine(9, 'Z', 0x40800c, 1), {}, true],
    [
      'a zombie main thread whose other thread is exiting',
      statLine(9, 'Z', 0x40800c, 2),
      { '9': statLine(9, 'Z', 0x40800c, 2), '12': statLine(12, 'R', EXITING, 2) },
      true,
    ],
    [
      'a zombie main thread (pthread_exit) whose other thread still runs',
      statLine(9, 'Z', 0x40800c, 3),
      {
        '9': statLine(9, 'Z', 0x40800c, 3),
        '12': statLine(12, 'R', EXITING, 3),
        '13': statLine(13, 'S', RUNNING, 3),
      },
      false,
    ],
    [
      'an exiting main thread with a thread that still runs',
      statLine(9, 'R', EXITING, 2),
      { '9': statLine(9, 'R', EXITING, 2), '13': statLine(13, 'S', RUNNING, 2) },
      false,
    ],
  ])('%s', (_what, main, tasks, stopped) => {
    expect(hasStoppedRunning(9, procWithThreads(main, tasks))).toBe(stopped);
  });

  it('counts a thread gone between the listing and its read as exited', () => {
    // Listed, but its stat cannot be read any more: the thread finished its exit meanwhile.
    const root = procWithThreads(statLine(9, 'Z', 0x40800c, 2), {
      '9': statLine(9, 'Z', 0x40800c, 2),
    });
    mkdirSync(join(root, '9', 'task', '12'));
    expect(hasStoppedRunning(9, root)).toBe(true);
  });

  it('follows a real process from running to exited', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });
    onTestFinished(() => {
      child.kill('SIGKILL');
    });
    await new Promise((resolve) => child.once('spawn', resolve));
    expect(hasStoppedRunning(child.pid!)).toBe(false);
    child.kill('SIGKILL');
    await exited(child);
    expect(hasStoppedRunning(child.pid!)).toBe(true);
  });
});
