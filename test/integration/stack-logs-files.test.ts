import { existsSync } from 'node:fs';
import { appendFile, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogFile } from '../../src/stack/logs/log-file.js';
import { createLogHub, type LogHub, type LogHubOptions } from '../../src/stack/logs/log-hub.js';
import { parseLogRecord } from '../../src/stack/logs/log-record.js';
import { searchLogFiles } from '../../src/stack/logs/search-log-files.js';
import type { LogLine } from '../../src/stack/types.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A hub writing to `dir` whose clock advances by 1 ms per line from `start`. */
function fileHub(dir: string, options: LogHubOptions = {}, start = 1_000) {
  let time = start;
  return createLogHub({ dir, now: () => time++, ...options });
}

/** Resolves with the first `portier` line the hub emits about `service`. */
function nextNote(hub: LogHub, service: string): Promise<LogLine> {
  return new Promise((resolve) => {
    const stop = hub.subscribe((line) => {
      if (line.stream === 'portier' && line.service === service) {
        stop();
        resolve(line);
      }
    });
  });
}

const numbered = (from: number, to: number) => {
  let text = '';
  for (let i = from; i <= to; i++) text += `line ${i}\n`;
  return Buffer.from(text);
};
const texts = (lines: LogLine[]) => lines.map((line) => line.text);

describe('log files', () => {
  it('writes one JSON record per line to <dir>/<service>.log, losslessly', async () => {
    const dir = tempDir();
    const hub = fileHub(dir);
    hub.stream('api', 'stdout').push(Buffer.from('\x1b[32mready\x1b[39m\nprogress 50%\r100%\n'));
    hub.stream('api', 'stderr').push(Buffer.from('{"level":"warn"}\n'));
    hub.note('api', 'exited with code 0');
    await hub.close();
    const fileLines = (await readFile(join(dir, 'api.log'), 'utf8')).split('\n');
    expect(fileLines.pop()).toBe('');
    expect(fileLines.map((l) => JSON.parse(l))).toEqual([
      { seq: 1, time: 1_000, stream: 'stdout', text: '\x1b[32mready\x1b[39m' },
      { seq: 2, time: 1_001, stream: 'stdout', text: 'progress 50%\r100%' },
      { seq: 3, time: 1_002, stream: 'stderr', text: '{"level":"warn"}' },
      { seq: 4, time: 1_003, stream: 'portier', text: 'exited with code 0' },
    ]);
    expect(fileLines.map((l) => parseLogRecord(l, 'api'))).toEqual(hub.tail('api', 10));
  });

  it.each([
    '',
    'not json',
    '{"seq":1,"time":2,"stream":"stdout"',
    '{"seq":1,"time":2,"stream":"stdin","text":"x"}',
    '{"seq":"1","time":2,"stream":"stdout","text":"x"}',
    'null',
    '[1,2]',
  ])('reads %j back as no record', (text) => {
    expect(parseLogRecord(text, 'api')).toBeUndefined();
  });

  it('rotates past maxFileBytes, keeping keepFiles files, none larger than the limit', async () => {
    const dir = tempDir();
    const hub = fileHub(dir, { maxFileBytes: 1_000, keepFiles: 3 });
    const out = hub.stream('api', 'stdout');
    out.push(numbered(1, 200)); // one chunk: the writer still cuts it at the limit
    for (let i = 201; i <= 400; i++) out.push(numbered(i, i));
    await hub.close();
    expect((await readdir(dir)).sort()).toEqual(['api.log', 'api.log.1', 'api.log.2', 'api.log.3']);
    for (const name of await readdir(dir)) {
      expect((await stat(join(dir, name))).size).toBeLessThanOrEqual(1_000);
    }
    // The lines kept on disk are the newest, without a gap: .3, .2, .1, then api.log.
    const found = await searchLogFiles(dir, { services: ['api'], limit: Number.POSITIVE_INFINITY });
    const seqs = found.map((line) => line.seq);
    expect(seqs.at(-1)).toBe(400);
    expect(seqs[0]).toBeGreaterThan(1);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    expect(texts(found)).toEqual(seqs.map((seq) => `line ${seq}`));
    const oldest = (await readFile(join(dir, 'api.log.3'), 'utf8')).split('\n')[0]!;
    expect(parseLogRecord(oldest, 'api')?.seq).toBe(seqs[0]);
  });

  it('keeps only the current file with keepFiles 0', async () => {
    const dir = tempDir();
    const hub = fileHub(dir, { maxFileBytes: 300, keepFiles: 0 });
    hub.stream('api', 'stdout').push(numbered(1, 50));
    await hub.close();
    expect(await readdir(dir)).toEqual(['api.log']);
    const found = await searchLogFiles(dir, { services: ['api'] });
    expect(found.at(-1)?.text).toBe('line 50');
    expect(found.length).toBeLessThan(50);
  });

  it('puts a single line larger than maxFileBytes alone in a fresh file', async () => {
    const dir = tempDir();
    const hub = fileHub(dir, { maxFileBytes: 200, keepFiles: 5 });
    const out = hub.stream('api', 'stdout');
    out.push(Buffer.from(`short\n${'x'.repeat(500)}\nafter\n`));
    await hub.close();
    const read = async (name: string) =>
      texts(
        (await readFile(join(dir, name), 'utf8'))
          .split('\n')
          .flatMap((l) => parseLogRecord(l, 'api') ?? []),
      );
    expect(await read('api.log.2')).toEqual(['short']);
    expect(await read('api.log.1')).toEqual(['x'.repeat(500)]);
    expect(await read('api.log')).toEqual(['after']);
  });

  it("appends to an earlier run's file, and rotates it first when it is already full", async () => {
    const dir = tempDir();
    const first = fileHub(dir, {}, 1_000);
    first.stream('api', 'stdout').push(numbered(1, 3));
    await first.close();
    const second = fileHub(dir, {}, 5_000);
    second.stream('api', 'stdout').push(numbered(4, 5));
    await second.close();
    expect(await readdir(dir)).toEqual(['api.log']);
    const both = await searchLogFiles(dir, { services: ['api'] });
    expect(texts(both)).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);

    const size = (await stat(join(dir, 'api.log'))).size;
    const third = fileHub(dir, { maxFileBytes: size }, 9_000);
    third.note('api', 'started again');
    await third.close();
    expect((await readdir(dir)).sort()).toEqual(['api.log', 'api.log.1']);
    const all = await searchLogFiles(dir, { services: ['api'] });
    expect(texts(all).slice(-2)).toEqual(['line 5', 'started again']);
  });
});

describe('searchLogFiles', () => {
  /** api and web logs written alternately, with times 1,000 … 1,009. */
  async function twoServices() {
    const dir = tempDir();
    const hub = fileHub(dir, { maxFileBytes: 150, keepFiles: 10 });
    const api = hub.stream('api', 'stdout');
    const web = hub.stream('web', 'stderr');
    for (let i = 1; i <= 5; i++) {
      api.push(Buffer.from(`api ${i}\n`));
      web.push(Buffer.from(`web ${i}\n`));
    }
    await hub.close();
    return dir;
  }

  it.each([
    {
      name: 'all of both, in the order read',
      query: { services: ['api', 'web'] },
      texts: [
        'api 1',
        'web 1',
        'api 2',
        'web 2',
        'api 3',
        'web 3',
        'api 4',
        'web 4',
        'api 5',
        'web 5',
      ],
    },
    { name: 'one service', query: { services: ['web'], limit: 2 }, texts: ['web 4', 'web 5'] },
    {
      name: 'grep and limit across services',
      query: { services: ['api', 'web'], grep: '[24]$', limit: 3 },
      texts: ['web 2', 'api 4', 'web 4'],
    },
    {
      name: 'since',
      query: { services: ['api', 'web'], since: 1_007 },
      texts: ['web 4', 'api 5', 'web 5'],
    },
    { name: 'a service without a file', query: { services: ['db'] }, texts: [] },
    {
      name: 'a service named twice',
      query: { services: ['api', 'api'], limit: 1 },
      texts: ['api 5'],
    },
  ])('$name', async ({ query, texts: expected }) => {
    const dir = await twoServices();
    expect((await readdir(dir)).filter((n) => n.startsWith('api.log.')).length).toBeGreaterThan(0);
    expect(texts(await searchLogFiles(dir, query))).toEqual(expected);
  });

  it('finds nothing in a directory that does not exist', async () => {
    const dir = tempDir();
    expect(await searchLogFiles(join(dir, 'never-made'), { services: ['api'] })).toEqual([]);
  });

  it('skips lines that are not records, such as one cut short by a crash', async () => {
    const dir = tempDir();
    const hub = fileHub(dir);
    hub.note('api', 'before');
    await hub.close();
    await appendFile(join(dir, 'api.log'), 'plain text\n{"seq":9,"time":1,"stream":"stdo');
    await writeFile(
      join(dir, 'api.log.1'),
      '{"seq":0,"time":500,"stream":"stdout","text":"older"}\n',
    );
    expect(texts(await searchLogFiles(dir, { services: ['api'] }))).toEqual(['older', 'before']);
  });
});

describe('log file failures', () => {
  it('notes once when the directory cannot be made, and keeps logging to memory', async () => {
    const base = tempDir();
    await writeFile(join(base, 'file'), '');
    const hub = fileHub(join(base, 'file', 'logs'));
    const note = nextNote(hub, 'api');
    const out = hub.stream('api', 'stdout');
    out.push(Buffer.from('one\n'));
    expect((await note).text).toContain(join(base, 'file', 'logs', 'api.log'));
    out.push(Buffer.from('two\nthree\n'));
    await hub.flush();
    await hub.close();
    const lines = hub.tail('api', 10);
    expect(lines.filter((l) => l.stream === 'portier').length).toBe(1);
    expect(texts(lines.filter((l) => l.stream === 'stdout'))).toEqual(['one', 'two', 'three']);
  });

  it('notes once when the directory is removed and the file rotates', async () => {
    const base = tempDir();
    const dir = join(base, 'logs');
    const hub = fileHub(dir, { maxFileBytes: 400 });
    const out = hub.stream('api', 'stdout');
    out.push(numbered(1, 3));
    await hub.flush();
    await rm(dir, { recursive: true });
    const note = nextNote(hub, 'api');
    out.push(numbered(4, 40));
    expect((await note).text).toMatch(/ENOENT/);
    out.push(numbered(41, 80));
    await hub.close();
    expect(hub.tail('api', 100).filter((l) => l.stream === 'portier').length).toBe(1);
    expect(hub.tail('api', 1)[0]!.text).toBe('line 80');
    expect(existsSync(dir)).toBe(false);
  });

  it.skipIf(!existsSync('/dev/full'))(
    'notes once when the disk is full (a log file linked to /dev/full; Linux only)',
    async () => {
      const dir = tempDir();
      await symlink('/dev/full', join(dir, 'api.log'));
      const hub = fileHub(dir);
      const note = nextNote(hub, 'api');
      hub.stream('api', 'stdout').push(numbered(1, 10));
      expect((await note).text).toMatch(/ENOSPC/);
      hub.stream('api', 'stdout').push(numbered(11, 20));
      await hub.close();
      const lines = hub.tail('api', 100);
      expect(lines.filter((l) => l.stream === 'portier').length).toBe(1);
      expect(lines.filter((l) => l.stream === 'stdout').length).toBe(20);
    },
  );

  it('drops lines past maxPendingChars and reports how many once writing catches up', async () => {
    const dir = tempDir();
    const path = join(dir, 'api.log');
    const dropped: number[] = [];
    const file = createLogFile({
      path,
      maxFileBytes: 1_000_000,
      keepFiles: 1,
      maxPendingChars: 30,
      onError: (error) => {
        throw error;
      },
      onDropped: (lines) => {
        dropped.push(lines);
        file.write(`(${lines} lines left out)\n`);
      },
    });
    for (let i = 1; i <= 10; i++) file.write(`line ${i}\n`); // 7 or 8 characters each
    await file.close();
    expect(dropped).toEqual([6]);
    expect(await readFile(path, 'utf8')).toBe(
      'line 1\nline 2\nline 3\nline 4\n(6 lines left out)\n',
    );
  });
});
