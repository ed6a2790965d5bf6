import { EventEmitter } from 'node:events';
import type { FSWatcher, watch as fsWatch } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { watchTree } from '../../src/serve/file-watcher.js';

type Listener = (event: string, name: string | null) => void;

/** A file system of folders: `fs.watch` records watchers; `fail` makes a folder's watch throw. */
function fakeFs(folders: Record<string, string[]>, fail: Record<string, string> = {}) {
  const watchers = new Map<
    string,
    { listener: Listener; closed: boolean; emitter: EventEmitter }
  >();
  const calls: Array<{ path: string; recursive: boolean }> = [];
  const watch = ((path: string, options: unknown, listener?: Listener) => {
    const recursive = (options as { recursive?: boolean }).recursive === true;
    const callback = (listener ?? options) as Listener;
    calls.push({ path, recursive });
    const code = fail[path];
    if (code) throw Object.assign(new Error(`${code}: watch ${path}`), { code });
    const emitter = new EventEmitter();
    const entry = { listener: callback, closed: false, emitter };
    watchers.set(path, entry);
    return Object.assign(emitter, {
      close: () => {
        entry.closed = true;
      },
    }) as unknown as FSWatcher;
  }) as unknown as typeof fsWatch;
  return {
    watch,
    calls,
    watchers,
    listFolders: (folder: string) => folders[folder] ?? [],
    isFolder: (path: string) => path in folders,
    folders,
  };
}

describe('watchTree on Linux: one watch per folder', () => {
  it('watches every folder but node_modules and .git, and reports paths relative to the root', () => {
    const fs = fakeFs({
      '/site': ['css', 'node_modules', '.git'],
      '/site/css': ['vendor'],
      '/site/css/vendor': [],
    });
    const changes: string[] = [];
    watchTree('/site', (path) => changes.push(path), undefined, { platform: 'linux', ...fs });
    expect(fs.calls.map((c) => c.path)).toEqual(['/site', '/site/css', '/site/css/vendor']);
    expect(fs.calls.every((c) => !c.recursive)).toBe(true);
    fs.watchers.get('/site/css/vendor')?.listener('change', 'a.css');
    fs.watchers.get('/site')?.listener('change', 'index.html');
    fs.watchers.get('/site')?.listener('change', '.index.html.swp');
    expect(changes).toEqual(['css/vendor/a.css', 'index.html']);
  });

  it('starts watching a folder that appears, and stops watching one that goes', () => {
    const fs = fakeFs({ '/site': [] });
    const changes: string[] = [];
    watchTree('/site', (path) => changes.push(path), undefined, { platform: 'linux', ...fs });
    fs.folders['/site/blog'] = [];
    fs.watchers.get('/site')?.listener('rename', 'blog');
    expect(fs.watchers.get('/site/blog')?.closed).toBe(false);
    delete fs.folders['/site/blog'];
    fs.watchers.get('/site')?.listener('rename', 'blog');
    expect(fs.watchers.get('/site/blog')?.closed).toBe(true);
    expect(changes).toEqual(['blog', 'blog']);
  });

  it('throws when the watch cannot start: the root, or any folder over the inotify limit', () => {
    const missing = fakeFs({ '/site': [] }, { '/site': 'ENOENT' });
    expect(() =>
      watchTree('/site', () => {}, undefined, { platform: 'linux', ...missing }),
    ).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    const full = fakeFs({ '/site': ['a'], '/site/a': [] }, { '/site/a': 'ENOSPC' });
    expect(() => watchTree('/site', () => {}, undefined, { platform: 'linux', ...full })).toThrow(
      expect.objectContaining({ code: 'ENOSPC' }),
    );
    expect(full.watchers.get('/site')?.closed).toBe(true);
  });

  it('skips a subfolder it may not read, or that vanished during the walk', () => {
    const fs = fakeFs(
      { '/site': ['private', 'gone', 'ok'], '/site/ok': [] },
      { '/site/private': 'EACCES', '/site/gone': 'ENOENT' },
    );
    watchTree('/site', () => {}, undefined, { platform: 'linux', ...fs });
    expect([...fs.watchers.keys()]).toEqual(['/site', '/site/ok']);
  });

  it('reports a later failure once and stops every watch', () => {
    const fs = fakeFs({ '/site': ['a'], '/site/a': [] }, { '/site/new': 'ENOSPC' });
    const errors: Error[] = [];
    watchTree(
      '/site',
      () => {},
      (error) => errors.push(error),
      { platform: 'linux', ...fs },
    );
    fs.folders['/site/new'] = [];
    fs.watchers.get('/site')?.listener('rename', 'new');
    fs.watchers.get('/site/a')?.emitter.emit('error', new Error('later'));
    expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(['ENOSPC']);
    expect([...fs.watchers.values()].every((w) => w.closed)).toBe(true);
  });
});

describe('watchTree on macOS and Windows: the native recursive watch', () => {
  it.each(['darwin', 'win32'] as const)(
    '%s: one recursive watch, ignored paths filtered',
    (platform) => {
      const fs = fakeFs({ '/site': [] });
      const changes: string[] = [];
      const errors: Error[] = [];
      watchTree(
        '/site',
        (path) => changes.push(path),
        (e) => errors.push(e),
        { platform, ...fs },
      );
      expect(fs.calls).toEqual([{ path: '/site', recursive: true }]);
      const root = fs.watchers.get('/site')!;
      root.listener('change', 'css\\site.css');
      root.listener('change', 'node_modules\\x\\index.js');
      root.listener('rename', null);
      expect(changes).toEqual(['css/site.css']);
      root.emitter.emit('error', new Error('gone'));
      expect(errors).toHaveLength(1);
      expect(root.closed).toBe(true);
    },
  );
});
