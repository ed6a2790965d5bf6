import { type FSWatcher, watch as fsWatch, lstatSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { isIgnoredChange, isIgnoredFolder } from './watch-ignore.js';

/** A running watch; `close()` stops it and is safe to call twice. */
export interface TreeWatch {
  close(): void;
}

/** Options of {@link watchTree}; the defaults are the real file system. */
export interface WatchTreeOptions {
  /** Platform deciding the strategy; default `process.platform`. */
  platform?: NodeJS.Platform;
  /** `fs.watch`, replaceable in tests. */
  watch?: typeof fsWatch;
  /** `fs.readdirSync` folder listing, replaceable in tests. */
  listFolders?: (folder: string) => string[];
  /** Whether a path is a folder (not following symbolic links); replaceable in tests. */
  isFolder?: (path: string) => boolean;
}

/**
 * Watches every file under `root` and calls `onChange` with the changed path relative to
 * `root`, `/`-separated (several times per save: callers debounce). Changes inside `.git/` and
 * `node_modules/` and editor scratch files are not reported (see `watch-ignore.ts`).
 *
 * Throws when the watch cannot start (ENOENT, ENOSPC, EMFILE); an error after the start (a
 * new folder hitting the inotify limit) goes to `onError` once, and the watch then stops.
 *
 * On macOS and Windows this is `fs.watch(root, { recursive: true })`, which the OS does
 * natively. On Linux Node 20's recursive mode is a JavaScript layer over one inotify watch per
 * file and folder, `node_modules` included, and it stops reporting a file after an editor's
 * atomic save (write a temporary file, rename it over the original): so on Linux this watches
 * each folder instead (inotify reports its entries by name, whatever their inode), skipping
 * ignored folders and not following symbolic links.
 */
export function watchTree(
  root: string,
  onChange: (relativePath: string) => void,
  onError: (error: Error) => void = () => {},
  options: WatchTreeOptions = {},
): TreeWatch {
  const platform = options.platform ?? process.platform;
  const watch = options.watch ?? fsWatch;
  const absoluteRoot = resolve(root);
  if (platform === 'darwin' || platform === 'win32') {
    const watcher = watch(absoluteRoot, { recursive: true }, (_event, name) => {
      const path = String(name ?? '').replaceAll('\\', '/');
      if (path !== '' && !isIgnoredChange(path)) onChange(path);
    });
    watcher.on('error', (error) => {
      watcher.close();
      onError(error);
    });
    return watcher;
  }
  return watchFolders(absoluteRoot, onChange, onError, {
    watch,
    listFolders: options.listFolders ?? listSubfolders,
    isFolder: options.isFolder ?? isRealFolder,
  });
}

type FolderDeps = Required<Pick<WatchTreeOptions, 'watch' | 'listFolders' | 'isFolder'>>;

/** The Linux strategy of {@link watchTree}: one non-recursive watch per folder. */
function watchFolders(
  root: string,
  onChange: (relativePath: string) => void,
  onError: (error: Error) => void,
  deps: FolderDeps,
): TreeWatch {
  const watchers = new Map<string, FSWatcher>();
  let stopped = false;
  const stop = () => {
    stopped = true;
    for (const watcher of watchers.values()) watcher.close();
    watchers.clear();
  };
  const fail = (error: Error) => {
    if (stopped) return;
    stop();
    onError(error);
  };
  const forget = (folder: string) => {
    for (const [path, watcher] of watchers) {
      if (path === folder || path.startsWith(folder + sep)) {
        watcher.close();
        watchers.delete(path);
      }
    }
  };
  const add = (folder: string) => {
    if (stopped || watchers.has(folder)) return;
    let watcher: FSWatcher;
    try {
      watcher = deps.watch(folder, (event, name) => {
        if (stopped || name === null) return;
        const path = join(folder, String(name));
        const relativePath = relative(root, path).split(sep).join('/');
        if (isIgnoredChange(relativePath)) return;
        // A 'rename' is a creation, deletion or move of an entry: start or stop watching it.
        if (event === 'rename') {
          if (deps.isFolder(path)) addLater(path);
          else forget(path);
        }
        onChange(relativePath);
      });
    } catch (error) {
      // A subfolder gone again, or unreadable, can be neither watched nor served: skip it.
      if (folder !== root && isVanishedOrForbidden(error)) return;
      throw error;
    }
    watcher.on('error', fail);
    watchers.set(folder, watcher);
    for (const name of deps.listFolders(folder)) {
      if (!isIgnoredFolder(name)) add(join(folder, name));
    }
  };
  // A folder created or moved in after the start: a failure there (ENOSPC) stops the watch.
  const addLater = (folder: string) => {
    try {
      add(folder);
    } catch (error) {
      fail(error as Error);
    }
  };
  try {
    add(root);
  } catch (error) {
    stop();
    throw error;
  }
  return { close: stop };
}

function isVanishedOrForbidden(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM';
}

/** Names of the real (not symbolic-link) subfolders of `folder`; none when it is unreadable. */
function listSubfolders(folder: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch (error) {
    if (isVanishedOrForbidden(error)) return [];
    throw error;
  }
}

function isRealFolder(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false;
  }
}
