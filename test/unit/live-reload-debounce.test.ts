import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChangeBatch } from '../../src/serve/change-batch.js';
import { createLiveReload, type WatchFunction } from '../../src/serve/live-reload.js';

/** A `watch` whose changes and failures the test triggers by hand. */
function fakeWatch() {
  const state = {
    root: '',
    closed: false,
    change: (_path: string) => {},
    fail: (_error: Error) => {},
  };
  const watch: WatchFunction = (root, onChange, onError) => {
    state.root = root;
    state.change = onChange;
    state.fail = onError;
    return {
      close: () => {
        state.closed = true;
      },
    };
  };
  return { watch, state };
}

/** Just enough of a request and a response for an event stream; `text` is what was written. */
function fakeStream(url = '/__portier/reload', headers: Record<string, string> = {}) {
  const req = Object.assign(new EventEmitter(), {
    url,
    method: 'GET',
    headers,
    socket: { setTimeout: () => {} },
  });
  const res = Object.assign(new EventEmitter(), {
    text: '',
    status: 0,
    closed: false,
    writeHead(status: number) {
      res.status = status;
      return res;
    },
    write(chunk: string) {
      res.text += chunk;
      return true;
    },
    end() {
      res.closed = true;
      res.emit('close');
      return res;
    },
  });
  return {
    req: req as unknown as IncomingMessage,
    res: res as unknown as ServerResponse,
    fake: res,
  };
}

const count = (text: string, event: string) => text.split(`event: ${event}\n`).length - 1;

describe('live reload debouncing', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('turns a burst of changes into one event, once the burst is quiet for debounceMs', async () => {
    const { watch, state } = fakeWatch();
    const live = createLiveReload({ root: '/srv/site', watch, debounceMs: 50 });
    const { req, res, fake } = fakeStream();
    expect(live.handle(req, res)).toBe(true);
    const seen: string[] = [];
    live.onChange((path) => seen.push(path));

    for (const path of ['index.html', 'index.html', 'about.html', 'index.html']) {
      state.change(path);
      vi.advanceTimersByTime(20);
    }
    expect(count(fake.text, 'reload')).toBe(0);
    vi.advanceTimersByTime(29);
    expect(count(fake.text, 'reload')).toBe(0);
    vi.advanceTimersByTime(1);
    expect(count(fake.text, 'reload')).toBe(1);
    expect(fake.text).toContain('data: {"path":"index.html"}');
    expect(seen).toEqual(['index.html', 'about.html']);
    await live.close();
  });

  it('sends one css event per stylesheet when only stylesheets changed', async () => {
    const { watch, state } = fakeWatch();
    const live = createLiveReload({ root: '/srv/site', watch });
    const { req, res, fake } = fakeStream();
    live.handle(req, res);
    state.change('a.css');
    state.change('b.CSS');
    state.change('a.css');
    vi.advanceTimersByTime(50);
    expect(count(fake.text, 'css')).toBe(2);
    expect(count(fake.text, 'reload')).toBe(0);
    await live.close();
  });

  it('uses 50 ms by default, and normalises backslashes', async () => {
    const { watch, state } = fakeWatch();
    const live = createLiveReload({ root: '/srv/site', watch });
    const seen: string[] = [];
    live.onChange((path) => seen.push(path));
    state.change('css\\site.css');
    vi.advanceTimersByTime(49);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual(['css/site.css']);
    await live.close();
  });

  it('ignores node_modules, .git and editor scratch files even from a custom watch', async () => {
    const { watch, state } = fakeWatch();
    const live = createLiveReload({ root: '/srv/site', watch });
    const seen: string[] = [];
    live.onChange((path) => seen.push(path));
    for (const path of ['node_modules/x/a.js', '.git/index', 'a/.page.html.swp', 'page.html~']) {
      state.change(path);
    }
    vi.advanceTimersByTime(1_000);
    expect(seen).toEqual([]);
    await live.close();
  });

  it('stops delivering after an unsubscribe, and after close()', async () => {
    const { watch, state } = fakeWatch();
    const live = createLiveReload({ root: '/srv/site', watch });
    const seen: string[] = [];
    const unsubscribe = live.onChange((path) => seen.push(`a ${path}`));
    live.onChange((path) => seen.push(`b ${path}`));
    unsubscribe();
    state.change('one.html');
    vi.advanceTimersByTime(50);
    state.change('two.html');
    await live.close();
    expect(state.closed).toBe(true);
    vi.advanceTimersByTime(1_000);
    expect(seen).toEqual(['b one.html']);
  });

  it('resolves the root it watches', async () => {
    const { watch, state } = fakeWatch();
    const live = createLiveReload({ root: 'relative/site', watch });
    expect(state.root).toBe(`${process.cwd()}/relative/site`);
    await live.close();
  });
});

describe('live reload when watching fails', () => {
  it('turns off when the watch cannot start (ENOSPC), keeping the reason', async () => {
    const errors: unknown[] = [];
    const live = createLiveReload({
      root: '/srv/site',
      watch: () => {
        throw Object.assign(new Error('System limit for number of file watchers reached'), {
          code: 'ENOSPC',
        });
      },
      onError: (error) => errors.push(error),
    });
    expect(live.lastError?.code).toBe('ENOSPC');
    expect(live.lastError?.path).toBe('/srv/site');
    expect((live.lastError!.cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(errors).toEqual([live.lastError]);
    await live.close();
  });

  it('turns off when the watch fails later: closes it once, reports once, ignores later changes', async () => {
    vi.useFakeTimers();
    const { watch, state } = fakeWatch();
    const errors: unknown[] = [];
    const live = createLiveReload({ root: '/srv/site', watch, onError: (e) => errors.push(e) });
    const seen: string[] = [];
    live.onChange((path) => seen.push(path));
    expect(live.lastError).toBeUndefined();
    state.fail(Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' }));
    state.fail(new Error('again'));
    expect(state.closed).toBe(true);
    expect(errors).toHaveLength(1);
    expect(live.lastError?.code).toBe('EMFILE');
    state.change('index.html');
    vi.advanceTimersByTime(1_000);
    expect(seen).toEqual([]);
    vi.useRealTimers();
    await live.close();
  });
});

describe('createChangeBatch', () => {
  it('flushes each distinct path once, in first-seen order, with an injected clock', () => {
    const pending: Array<{ callback: () => void; ms: number } | undefined> = [];
    const flushed: string[][] = [];
    const batch = createChangeBatch(50, (paths) => flushed.push(paths), {
      setTimeout: (callback, ms) => pending.push({ callback, ms }) - 1,
      clearTimeout: (handle) => {
        pending[handle as number] = undefined;
      },
    });
    batch.add('b');
    batch.add('a');
    batch.add('b');
    const live = pending.filter((timer) => timer !== undefined);
    expect(live).toHaveLength(1);
    expect(live[0]?.ms).toBe(50);
    live[0]?.callback();
    expect(flushed).toEqual([['b', 'a']]);
  });
});
