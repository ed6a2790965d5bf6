import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, CLI, runCli } from '../helpers/cli.js';
import { fixturePath } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

beforeAll(assertCliBuilt);

const PROBE = fixturePath('exit-probe.cjs');

/** The probe's report: whether the CLI ended through process.exit(). */
function probed(stderr: string): { viaExit: boolean } {
  const line = stderr.split('\n').find((l) => l.startsWith('exit-probe {'));
  if (!line) throw new Error(`no exit-probe line in stderr:\n${stderr}`);
  return JSON.parse(line.slice('exit-probe '.length)) as { viaExit: boolean };
}

/** Reads what is in a non-blocking descriptor now; undefined at end of file. */
function drain(fd: number): Buffer | undefined {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return Buffer.concat(chunks);
      throw error;
    }
    if (n === 0) return chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
}

describe('how the CLI ends', () => {
  it('ends at once through process.exit when nothing is left to do', async () => {
    const expected = await runCli(['port', '57573']);
    const run = await runCli(['port', '57573'], { nodeArgs: ['-r', PROBE] });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(expected.stdout);
    expect(probed(run.stderr).viaExit).toBe(true);
  });

  it('waits for a slow reader of a full pipe and delivers every byte', async () => {
    // A pipe filled up before the CLI starts and made non-blocking in it (the spawn makes it
    // blocking again): its first write is refused, so the output goes to Node's stream, which
    // is still writing when the command is done.
    const path = join(tempDir('portier-exit-fifo-'), 'pipe');
    const made = spawnSync('mkfifo', [path]);
    if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
    const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    let filled = 0;
    const block = Buffer.alloc(4096, '.');
    try {
      for (;;) filled += writeSync(writer, block);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
    const expected = await runCli(['port', '57573']);
    const child = spawn(process.execPath, ['-r', PROBE, CLI, 'port', '57573'], {
      env: { ...process.env, NO_COLOR: '1', PROBE_NONBLOCKING_STDOUT: '1' },
      stdio: ['ignore', writer, 'pipe'],
    });
    closeSync(writer);
    let stderr = '';
    const checked = new Promise<string>((resolve) => {
      child.stderr!.on('data', (c) => {
        stderr += c;
        const line = stderr.split('\n').find((l) => l.startsWith('exit-probe checked '));
        if (line) resolve(line);
      });
    });
    const closed = once(child, 'close');
    // Nothing is read until the command is done and the CLI looked at what is left: the
    // write it could not finish.
    expect(await checked).toMatch(/WriteWrap/);
    expect(child.exitCode).toBeNull();
    const received: Buffer[] = [];
    let ended = false;
    const reading = (async () => {
      while (!ended) {
        const chunk = drain(reader);
        if (chunk === undefined) break;
        received.push(chunk);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const [code] = await closed;
    ended = true;
    await reading;
    received.push(drain(reader) ?? Buffer.alloc(0));
    closeSync(reader);
    const all = Buffer.concat(received);
    expect(code).toBe(0);
    expect(all.length).toBe(filled + Buffer.byteLength(expected.stdout));
    expect(all.subarray(filled).toString()).toBe(expected.stdout);
    expect(probed(stderr).viaExit).toBe(false);
  });
});
