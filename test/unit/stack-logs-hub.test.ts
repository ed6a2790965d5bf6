import { describe, expect, it } from 'vitest';
import { isPortierError } from '../../src/errors.js';
import { createLogHub } from '../../src/stack/logs/log-hub.js';
import { compileLogQuery, DEFAULT_LOG_LIMIT } from '../../src/stack/logs/log-query.js';
import type { LogQuery } from '../../src/stack/types.js';

/** A memory-only hub whose clock the test sets; `at(ms)` moves it. */
function clockedHub(maxLines?: number) {
  let time = 1_000;
  const hub = createLogHub({ maxLines, now: () => time });
  return {
    hub,
    at(ms: number) {
      time = ms;
    },
  };
}

/** api, web and db output at known times; seq follows this order. */
function sampleHub() {
  const { hub, at } = clockedHub();
  const api = hub.stream('api', 'stdout');
  const apiErr = hub.stream('api', 'stderr');
  const web = hub.stream('web', 'stdout');
  at(1_000);
  api.push(Buffer.from('GET /users 200\n'));
  at(2_000);
  web.push(Buffer.from('vite ready in 300 ms\n'));
  at(3_000);
  apiErr.push(Buffer.from('Error: connect ECONNREFUSED 127.0.0.1:5432\n'));
  hub.note('db', 'exited with code 1');
  at(4_000);
  api.push(Buffer.from('GET /orders 500\nGET /users 200\n'));
  web.push(Buffer.from('hmr update /src/App.tsx\n'));
  return hub;
}

const texts = (lines: { text: string }[]) => lines.map((line) => line.text);

describe('log hub query', () => {
  it.each<{ name: string; query: LogQuery; texts: string[] }>([
    {
      name: 'everything, oldest first',
      query: {},
      texts: [
        'GET /users 200',
        'vite ready in 300 ms',
        'Error: connect ECONNREFUSED 127.0.0.1:5432',
        'exited with code 1',
        'GET /orders 500',
        'GET /users 200',
        'hmr update /src/App.tsx',
      ],
    },
    {
      name: 'one service, both streams',
      query: { services: ['api'] },
      texts: [
        'GET /users 200',
        'Error: connect ECONNREFUSED 127.0.0.1:5432',
        'GET /orders 500',
        'GET /users 200',
      ],
    },
    {
      name: 'two services',
      query: { services: ['web', 'db'] },
      texts: ['vite ready in 300 ms', 'exited with code 1', 'hmr update /src/App.tsx'],
    },
    { name: 'a service with no lines', query: { services: ['cache'] }, texts: [] },
    {
      name: 'grep as a regular expression',
      query: { grep: ' [45]\\d\\d$' },
      texts: ['GET /orders 500'],
    },
    {
      name: 'grep is case-sensitive',
      query: { grep: 'error' },
      texts: [],
    },
    { name: 'grep with services', query: { grep: 'GET', services: ['web'] }, texts: [] },
    {
      name: 'since is inclusive',
      query: { since: 3_000 },
      texts: [
        'Error: connect ECONNREFUSED 127.0.0.1:5432',
        'exited with code 1',
        'GET /orders 500',
        'GET /users 200',
        'hmr update /src/App.tsx',
      ],
    },
    {
      name: 'limit keeps the last matches',
      query: { limit: 2 },
      texts: ['GET /users 200', 'hmr update /src/App.tsx'],
    },
    {
      name: 'limit after grep and since',
      query: { grep: 'GET', since: 1_000, limit: 2 },
      texts: ['GET /orders 500', 'GET /users 200'],
    },
    { name: 'limit 0', query: { limit: 0 }, texts: [] },
  ])('$name', ({ query, texts: expected }) => {
    expect(texts(sampleHub().query(query))).toEqual(expected);
  });

  it('returns the last 1,000 matches by default', () => {
    const { hub } = clockedHub(5_000);
    const out = hub.stream('api', 'stdout');
    for (let i = 1; i <= 1_500; i++) out.push(Buffer.from(`line ${i}\n`));
    const lines = hub.query();
    expect(lines.length).toBe(DEFAULT_LOG_LIMIT);
    expect(lines[0]!.text).toBe('line 501');
    expect(lines.at(-1)!.text).toBe('line 1500');
  });

  it.each([
    { query: { grep: '(' }, why: 'an unclosed group' },
    { query: { grep: '[z-a]' }, why: 'a backwards range' },
    { query: { limit: -1 }, why: 'a negative limit' },
    { query: { limit: 2.5 }, why: 'a fractional limit' },
  ])('refuses $why with INVALID_OPTION', ({ query }) => {
    expect(() => compileLogQuery(query)).toThrow(
      expect.toSatisfy((error) => isPortierError(error, 'INVALID_OPTION')),
    );
    expect(() => sampleHub().query(query)).toThrow(
      expect.toSatisfy((error) => isPortierError(error, 'INVALID_OPTION')),
    );
  });
});

describe('log hub lines', () => {
  it('stamps lines with a stack-wide seq and the time they were read', () => {
    const lines = sampleHub().query();
    expect(lines.map((line) => line.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(lines.map((line) => line.time)).toEqual([
      1_000, 2_000, 3_000, 3_000, 4_000, 4_000, 4_000,
    ]);
    expect(lines.map((line) => `${line.service}/${line.stream}`)).toEqual([
      'api/stdout',
      'web/stdout',
      'api/stderr',
      'db/portier',
      'api/stdout',
      'api/stdout',
      'web/stdout',
    ]);
  });

  it('keeps the last maxLines per service and tails them', () => {
    const { hub } = clockedHub(3);
    const api = hub.stream('api', 'stdout');
    api.push(Buffer.from('1\n2\n3\n4\n5\n'));
    hub.note('web', 'started');
    expect(texts(hub.tail('api', 10))).toEqual(['3', '4', '5']);
    expect(texts(hub.tail('api', 2))).toEqual(['4', '5']);
    expect(texts(hub.tail('web', 10))).toEqual(['started']);
    expect(hub.tail('nobody', 10)).toEqual([]);
  });

  it('emits the last line without a newline on end()', () => {
    const { hub } = clockedHub();
    const api = hub.stream('api', 'stdout');
    api.push(Buffer.from('a\npartial'));
    expect(texts(hub.tail('api', 10))).toEqual(['a']);
    api.end();
    expect(texts(hub.tail('api', 10))).toEqual(['a', 'partial']);
  });

  it('splits a note with newlines into lines', () => {
    const { hub } = clockedHub();
    hub.note('api', 'exited with code 1\nlast lines above');
    expect(hub.tail('api', 5).map((l) => [l.stream, l.text])).toEqual([
      ['portier', 'exited with code 1'],
      ['portier', 'last lines above'],
    ]);
  });

  it('ends open streams on close, so their partial lines are kept', async () => {
    const { hub } = clockedHub();
    hub.stream('api', 'stdout').push(Buffer.from('still running, no newline'));
    await hub.close();
    expect(texts(hub.tail('api', 5))).toEqual(['still running, no newline']);
  });
});

describe('log hub subscribers', () => {
  it('hands every line to every listener, synchronously, until unsubscribed', () => {
    const { hub } = clockedHub();
    const a: string[] = [];
    const b: string[] = [];
    const stopA = hub.subscribe((line) => a.push(line.text));
    hub.subscribe((line) => b.push(line.text));
    hub.note('api', 'one');
    expect(a).toEqual(['one']);
    stopA();
    hub.note('api', 'two');
    expect(a).toEqual(['one']);
    expect(b).toEqual(['one', 'two']);
  });

  it('keeps going when a listener throws, and reports it', () => {
    const errors: unknown[] = [];
    const hub = createLogHub({ onListenerError: (error) => errors.push(error) });
    const seen: string[] = [];
    hub.subscribe(() => {
      throw new Error('socket gone');
    });
    hub.subscribe((line) => seen.push(line.text));
    hub.stream('api', 'stdout').push(Buffer.from('a\nb\n'));
    expect(seen).toEqual(['a', 'b']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['socket gone', 'socket gone']);
    expect(texts(hub.tail('api', 5))).toEqual(['a', 'b']);
  });

  it('keeps going when a listener throws and no one is told', () => {
    const hub = createLogHub();
    hub.subscribe(() => {
      throw new Error('boom');
    });
    expect(() => hub.note('api', 'fine')).not.toThrow();
    expect(texts(hub.tail('api', 1))).toEqual(['fine']);
  });

  it('lets a listener unsubscribe itself or another during a line', () => {
    const { hub } = clockedHub();
    const seen: string[] = [];
    let stopSecond = () => {};
    const stopFirst = hub.subscribe((line) => {
      seen.push(`first ${line.text}`);
      stopFirst();
      stopSecond();
    });
    stopSecond = hub.subscribe((line) => seen.push(`second ${line.text}`));
    hub.note('api', 'x');
    hub.note('api', 'y');
    // The line being fanned out still reaches everyone subscribed when it started.
    expect(seen).toEqual(['first x', 'second x']);
  });
});
