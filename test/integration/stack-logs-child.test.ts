import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createBoundedLineQueue } from '../../src/stack/logs/bounded-line-queue.js';
import { createLogHub, type LogHub } from '../../src/stack/logs/log-hub.js';
import type { LogLine } from '../../src/stack/types.js';
import { fixturePath, killQuietly } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

/** One file per service, however much is written. */
const NO_ROTATION = 1024 * 1024 * 1024;

/**
 * Runs print-lines.mjs with `args`, piping its stdout into `hub` as the supervisor does;
 * `ended` resolves once stdout ended and the sink was ended, `closed` with the exit code.
 */
function printLines(hub: LogHub, service: string, args: string[]) {
  const child: ChildProcessByStdio<null, Readable, null> = spawn(
    process.execPath,
    [fixturePath('print-lines.mjs'), ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  onTestFinished(() => killQuietly(child.pid));
  const sink = hub.stream(service, 'stdout');
  child.stdout.on('data', (chunk: Buffer) => sink.push(chunk));
  const ended = once(child.stdout, 'end').then(() => sink.end());
  const closed = once(child, 'close').then(([code]) => code as number | null);
  return { child, ended, closed };
}

/** The texts of the JSON records in a log file, in file order. */
async function fileTexts(path: string): Promise<string[]> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  expect(lines.pop()).toBe(''); // every record ends with a newline, the last one too
  return lines.map((line) => (JSON.parse(line) as { text: string }).text);
}

describe('log hub with a real child', () => {
  it('keeps all 200,000 lines of a fast child in order, the last one without a newline', async () => {
    const dir = tempDir();
    const hub = createLogHub({ dir, maxLines: 2_000, maxFileBytes: NO_ROTATION });
    const run = printLines(hub, 'svc', ['200000']);
    await run.ended;
    expect(await run.closed).toBe(0);
    await hub.close();

    const texts = await fileTexts(join(dir, 'svc.log'));
    expect(texts.length).toBe(200_000);
    const outOfOrder = texts.findIndex((text, i) => text !== `line ${i + 1}`);
    expect(outOfOrder).toBe(-1);
    expect(texts.at(-1)).toBe('line 200000');

    const kept = hub.tail('svc', 5_000);
    expect(kept.length).toBe(2_000);
    expect(kept[0]!.text).toBe('line 198001');
    expect(kept.at(-1)!.text).toBe('line 200000');
    expect(kept.at(-1)!.seq).toBe(200_000);
    expect(hub.query({ services: ['svc'], limit: Number.POSITIVE_INFINITY }).length).toBe(2_000);
  });

  it('does not hold a child back for a slow reader: the reader skips lines instead', async () => {
    const dir = tempDir();
    const hub = createLogHub({ dir, maxFileBytes: NO_ROTATION });
    // A reader like a control-socket client on a slow link: it queues synchronously (as the
    // hub requires) and reads one line for every chunk the child writes, so it is slower than
    // the child by construction (a chunk holds hundreds of lines), not by a timer.
    const queue = createBoundedLineQueue({ maxLines: 1_000 });
    hub.subscribe((line) => queue.push(line));
    const received: LogLine[] = [];
    let skipped = 0;
    const read = (max: number) => {
      const batch = queue.take(max);
      received.push(...batch.lines);
      skipped += batch.dropped;
    };

    // 100,000 lines of 100 bytes: 10 MB.
    const run = printLines(hub, 'svc', ['100000', '99']);
    run.child.stdout.on('data', () => read(1));
    await run.ended;
    // The child's output ended while the reader was still a full queue behind: nothing waited
    // for it. Had the hub held the child back to the reader's pace, the queue would be empty.
    expect(queue.size).toBe(1_000);
    const readDuringOutput = received.length;
    expect(readDuringOutput).toBeGreaterThan(0);
    expect(await run.closed).toBe(0);
    read(Number.POSITIVE_INFINITY);

    // Every line reached the reader or was counted as skipped; the newest were kept.
    expect(skipped).toBeGreaterThan(0);
    expect(received.length + skipped).toBe(100_000);
    expect(received.at(-1)!.text).toBe('line 100000'.padEnd(99, '.'));
    const seqs = received.map((line) => line.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    // Neither memory nor the file lost anything to the slow reader.
    expect(hub.tail('svc', 1)[0]!.seq).toBe(100_000);
    await hub.close();
    const texts = await fileTexts(join(dir, 'svc.log'));
    expect(texts.length).toBe(100_000);
    expect(texts.at(-1)).toBe('line 100000'.padEnd(99, '.'));
  });
});
