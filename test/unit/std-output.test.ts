import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutput, isTerminal } from '../../src/cli/std-output.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): { path: string; fd: number } {
  const dir = mkdtempSync(join(tmpdir(), 'portier-out-'));
  dirs.push(dir);
  const path = join(dir, 'out.txt');
  return { path, fd: openSync(path, 'w') };
}

/** A named pipe in a temp dir, so a test holds both ends by descriptor. */
function fifo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portier-fifo-'));
  dirs.push(dir);
  const path = join(dir, 'pipe');
  const made = spawnSync('mkfifo', [path]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
  return path;
}

/** A stand-in for process.stdout that records what reaches it. */
function fakeStream(written: string[]): () => NodeJS.WriteStream {
  return () =>
    ({
      columns: 120,
      on() {
        return this;
      },
      write(chunk: string | Uint8Array) {
        written.push(Buffer.from(chunk).toString());
        return true;
      },
    }) as unknown as NodeJS.WriteStream;
}

describe('createOutput', () => {
  it('writes to the descriptor without building the stream', () => {
    const { path, fd } = tempFile();
    let built = 0;
    const out = createOutput(fd, () => {
      built++;
      return process.stdout;
    });
    expect(out.write('héllo\n')).toBe(true);
    expect(out.write('second\n')).toBe(true);
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe('héllo\nsecond\n');
    expect(built).toBe(0);
    expect(out.isTTY).toBe(false);
    expect(out.columns).toBeUndefined();
    expect(built).toBe(0);
  });

  it('sends every write through the stream once something built it, keeping the order', () => {
    const { path, fd } = tempFile();
    const written: string[] = [];
    const out = createOutput(fd, fakeStream(written));
    out.write('first\n');
    expect(out.stream).toBeDefined();
    out.write('second\n');
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe('first\n');
    expect(written).toEqual(['second\n']);
  });

  it('stops writing, without an error, once the reader has gone (EPIPE)', () => {
    const path = fifo();
    const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(path, constants.O_WRONLY);
    closeSync(reader);
    try {
      let closed = 0;
      const out = createOutput(writer, fakeStream([]), () => closed++);
      expect(out.write('nobody reads this\n')).toBe(false);
      expect(out.write('nor this\n')).toBe(false);
      expect(closed).toBe(1);
    } finally {
      closeSync(writer);
    }
  });

  it('hands the rest to the stream when the descriptor would block (EAGAIN)', () => {
    // A non-blocking pipe nobody reads: it takes what fits, then refuses.
    const path = fifo();
    const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      const written: string[] = [];
      const out = createOutput(writer, fakeStream(written));
      const text = 'y'.repeat(1024 * 1024);
      expect(out.write(text)).toBe(true);
      const handedOver = written.join('').length;
      expect(handedOver).toBeGreaterThan(0);
      expect(handedOver).toBeLessThan(text.length);
      out.write('after\n'); // the stream exists now: everything goes through it, in order
      expect(written.at(-1)).toBe('after\n');
    } finally {
      closeSync(writer);
      closeSync(reader);
    }
  });
});

describe('isTerminal', () => {
  it('is false for a file, /dev/null and a closed descriptor', () => {
    const { fd } = tempFile();
    expect(isTerminal(fd)).toBe(false);
    closeSync(fd);
    expect(isTerminal(fd)).toBe(false);
    const devNull = openSync('/dev/null', 'w');
    try {
      expect(isTerminal(devNull, 'linux')).toBe(false);
    } finally {
      closeSync(devNull);
    }
  });
});
