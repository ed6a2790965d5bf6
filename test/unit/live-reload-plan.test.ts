import { describe, expect, it } from 'vitest';
import { planReloadEvents, type ReloadEvent } from '../../src/serve/reload-plan.js';
import { formatSseComment, formatSseEvent, type SseEvent } from '../../src/serve/sse-event.js';
import { LiveReloadWatchError } from '../../src/serve/watch-error.js';
import { isIgnoredChange } from '../../src/serve/watch-ignore.js';

describe('planReloadEvents', () => {
  it.each<[string, string[], ReloadEvent[]]>([
    ['nothing', [], []],
    ['a page', ['index.html'], [{ type: 'reload', path: 'index.html' }]],
    ['a stylesheet', ['css/site.css'], [{ type: 'css', path: 'css/site.css' }]],
    [
      'two stylesheets',
      ['a.css', 'B.CSS'],
      [
        { type: 'css', path: 'a.css' },
        { type: 'css', path: 'B.CSS' },
      ],
    ],
    ['a stylesheet and a script', ['a.css', 'app.js'], [{ type: 'reload', path: 'app.js' }]],
    ['a source map is not a stylesheet', ['a.css.map'], [{ type: 'reload', path: 'a.css.map' }]],
    ['a folder', ['blog'], [{ type: 'reload', path: 'blog' }]],
  ])('%s', (_what, paths, events) => {
    expect(planReloadEvents(paths)).toEqual(events);
  });
});

describe('isIgnoredChange', () => {
  it.each<[string, boolean]>([
    ['index.html', false],
    ['css/site.css', false],
    ['.gitignore', false],
    ['.github/workflows/ci.yml', false],
    ['.well-known/security.txt', false],
    ['notes~draft.html', false],
    ['.git', true],
    ['.git/index', true],
    ['.git/refs/heads/main', true],
    ['node_modules', true],
    ['node_modules/react/index.js', true],
    ['packages/app/node_modules/x.js', true],
    ['packages\\app\\node_modules\\x.js', true],
    ['.index.html.swp', true],
    ['css/.site.css.swx', true],
    ['4913', true],
    ['sub/4913', true],
    ['index.html~', true],
    ['.#index.html', true],
    ['#index.html#', true],
    ['.DS_Store', true],
  ])('%s → %s', (path, ignored) => {
    expect(isIgnoredChange(path)).toBe(ignored);
  });
});

describe('formatSseEvent', () => {
  it.each<[string, SseEvent, string]>([
    ['a retry hint', { retry: 1000 }, 'retry: 1000\n\n'],
    [
      'an event with an id',
      { event: 'css', id: 'a-1', data: '{}' },
      'id: a-1\nevent: css\ndata: {}\n\n',
    ],
    ['data over several lines', { data: 'a\nb\r\nc' }, 'data: a\ndata: b\ndata: c\n\n'],
    ['no newline can escape a field', { event: 'x\ny', id: '1\r2' }, 'id: 12\nevent: xy\n\n'],
  ])('%s', (_what, message, text) => {
    expect(formatSseEvent(message)).toBe(text);
  });

  it('formats comments on one line', () => {
    expect(formatSseComment('ping\nevent: reload')).toBe(': pingevent: reload\n\n');
  });
});

describe('LiveReloadWatchError', () => {
  it.each([['ENOSPC'], ['EMFILE'], ['ENOENT'], ['EACCES'], [undefined]])(
    'keeps the code %s',
    (code) => {
      const cause = Object.assign(new Error('failed'), { code });
      const error = new LiveReloadWatchError('/srv/site', cause);
      expect(error.code).toBe(code);
      expect(error.path).toBe('/srv/site');
      expect(error.cause).toBe(cause);
      expect(error.message).toContain('/srv/site');
      expect(error.message).toContain('--no-reload');
    },
  );
});
