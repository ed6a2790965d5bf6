import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { descendantsOf, readParentMap } from '../../src/ports/process-tree.js';
import { readProcStat } from '../../src/sockets/linux-process.js';
import { startCli } from '../helpers/cli.js';
import { stackFixture } from '../helpers/stack.js';

/** The bound: every process of the stack is gone this long after kill -9, ms. */
const ORPHAN_DEADLINE_MS = 3_000;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Alive and not a zombie (a zombie waits for pid 1 to reap it; it runs nothing). */
const running = (pid: number) => {
  const stat = readProcStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
};

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

describe.skipIf(process.platform !== 'linux')('no orphans after the supervisor is killed', () => {
  it('kill -9 of `portier up` ends every service, grandchildren and setsid escapees included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portier-orphans-'));
    dirs.push(dir);
    const tree = stackFixture('spawn-tree.mjs');
    writeFileSync(
      join(dir, 'portier.yaml'),
      [
        'name: orphans',
        'services:',
        '  tree:',
        `    command: ["${process.execPath}", "${tree}", "${join(dir, 'a.json')}"]`,
        '    port: none',
        '  shell:',
        `    command: "${process.execPath} ${tree} ${join(dir, 'b.json')} & ${process.execPath} ${tree} ${join(dir, 'c.json')}; wait"`,
        '    port: none',
        '',
      ].join('\n'),
    );
    const up = startCli(['up', '--no-door', '-f', join(dir, 'portier.yaml')], {
      env: { PORTIER_STATE_DIR: join(dir, 'state') },
    });
    const files = ['a', 'b', 'c'].map((n) => join(dir, `${n}.json`));
    expect(await waitFor(() => files.every((f) => existsSync(f)), 15_000)).toBe(true);
    const supervisor = up.child.pid!;
    const pids = descendantsOf([supervisor], readParentMap());
    for (const file of files) {
      const { self, children } = JSON.parse(readFileSync(file, 'utf8')) as {
        self: number;
        children: number[];
      };
      expect(pids).toContain(self);
      for (const child of children) expect(pids).toContain(child);
    }
    // 3 trees of 4 fixture processes, plus the shell, the grandchild node and the watchdog.
    expect(pids.length).toBeGreaterThanOrEqual(14);
    process.kill(supervisor, 'SIGKILL');
    const gone = await waitFor(() => pids.every((pid) => !running(pid)), ORPHAN_DEADLINE_MS);
    const left = pids.filter(running).map((pid) => `${pid} ${readProcStat(pid)?.name}`);
    expect(left).toEqual([]);
    expect(gone).toBe(true);
  });
});
