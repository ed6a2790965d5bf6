import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { createChangeBatch } from './change-batch.js';
import { createEventStream } from './event-stream.js';
import { watchTree } from './file-watcher.js';
import { injectBeforeBodyEnd, renderScriptTag } from './inject-script.js';
import { LIVE_RELOAD_CLIENT } from './live-reload-client.js';
import { planReloadEvents } from './reload-plan.js';
import type { SseEvent } from './sse-event.js';
import { LiveReloadWatchError } from './watch-error.js';
import { isIgnoredChange } from './watch-ignore.js';

/** Path of the Server-Sent Events endpoint pages connect to. */
export const LIVE_RELOAD_PATH = '/__portier/reload';
/** Quiet time after the last change before pages are told, in ms. */
export const DEFAULT_DEBOUNCE_MS = 50;
/** Time between comment heartbeats on an idle stream, in ms: below common 30–60 s idle cuts. */
export const HEARTBEAT_INTERVAL_MS = 15_000;
/** Reconnection delay hinted to pages (`retry:`), in ms. */
export const RECONNECT_DELAY_MS = 1_000;

/**
 * Watches `root` and reports changed paths relative to it, `/`-separated. It may throw when it
 * cannot start, and calls `onError` when it fails later. Default {@link watchTree}.
 */
export type WatchFunction = (
  root: string,
  onChange: (relativePath: string) => void,
  onError: (error: Error) => void,
) => { close(): void };

/** Options of {@link createLiveReload}. */
export interface LiveReloadOptions {
  /** Folder whose changes reload pages; relative paths resolve against the current directory. */
  root: string;
  /** Quiet time after the last change before pages are told, in ms. Default 50. */
  debounceMs?: number;
  /** Path of the endpoint, from `/`. Default `'/__portier/reload'`. */
  path?: string;
  /** Change source; default {@link watchTree} (a two-argument function fits too). */
  watch?: WatchFunction;
  /** Time between comment heartbeats, in ms. Default 15 000; shorter only in tests. */
  heartbeatMs?: number;
  /**
   * Called once when watching fails (at the start, or later) and live reload turns itself off;
   * the same error stays on `lastError`. Called during `createLiveReload` if it fails there.
   */
  onError?: (error: LiveReloadWatchError) => void;
}

/** Live reload for the pages of one static server. */
export interface LiveReload {
  /**
   * Handles the SSE endpoint request; returns true when it handled req. `GET` opens an event
   * stream (`text/event-stream`, `Cache-Control: no-store`); other methods get 405; after
   * `close()` it answers 204, which tells EventSource to stop reconnecting.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Inserts the client <script> into an HTML document (before </body>, else </html>, else at the end). */
  inject(html: string): string;
  /** Number of connected pages. */
  readonly clients: number;
  /**
   * Subscribes to changes (relative paths), e.g. to drop a file cache; returns an unsubscribe.
   * Called once per distinct path of a debounced batch, before pages are told.
   */
  onChange(listener: (relativePath: string) => void): () => void;
  /** Why live reload is off (watching failed), or undefined while it works. */
  readonly lastError: LiveReloadWatchError | undefined;
  /** Stops watching and ends every event stream; resolves when they are closed. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts watching `options.root` and returns the endpoint handler, the HTML injector and the
 * change feed. Events on the stream (data is JSON):
 * - `hello` on connect, `{}`;
 * - `reload` with `{ path }`, the first changed file (`path` null: the page missed changes
 *   while disconnected);
 * - `css` with `{ path }` when only stylesheets changed, one event per stylesheet.
 * Each carries an `id` (server instance and change count): a page reconnecting with an older
 * id, from `Last-Event-ID` or `?since=`, is sent `reload` at once.
 */
export function createLiveReload(options: LiveReloadOptions): LiveReload {
  const root = resolve(options.root);
  const endpoint = options.path ?? LIVE_RELOAD_PATH;
  const scriptTag = renderScriptTag(LIVE_RELOAD_CLIENT, { 'data-portier-reload': endpoint });
  const instance = randomBytes(6).toString('hex');
  let changeCount = 0;
  const currentId = () => `${instance}-${changeCount}`;
  const stream = createEventStream({
    heartbeatMs: options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS,
    retryMs: RECONNECT_DELAY_MS,
  });
  const listeners = new Set<(relativePath: string) => void>();
  let closed = false;
  let lastError: LiveReloadWatchError | undefined;

  const batch = createChangeBatch(options.debounceMs ?? DEFAULT_DEBOUNCE_MS, (paths) => {
    for (const path of paths) for (const listener of [...listeners]) listener(path);
    changeCount += 1;
    for (const { type, path } of planReloadEvents(paths)) {
      stream.broadcast({ event: type, id: currentId(), data: JSON.stringify({ path }) });
    }
  });
  let watcher: { close(): void } | undefined;
  const fail = (error: unknown) => {
    if (closed || lastError !== undefined) return;
    lastError = new LiveReloadWatchError(root, error);
    watcher?.close();
    options.onError?.(lastError);
  };
  const report = (relativePath: string) => {
    const path = relativePath.replaceAll('\\', '/');
    if (!closed && lastError === undefined && path !== '' && !isIgnoredChange(path)) {
      batch.add(path);
    }
  };
  try {
    watcher = (options.watch ?? watchTree)(root, report, fail);
  } catch (error) {
    fail(error);
  }
  // A watch may report its failure before it returns: the watcher is then closed here.
  if (lastError !== undefined) watcher?.close();

  return {
    handle(req, res) {
      if ((req.url ?? '').split('?')[0] !== endpoint) return false;
      if (closed) {
        res.writeHead(204, { 'Cache-Control': 'no-store' }).end();
      } else if (req.method !== 'GET') {
        res.writeHead(405, { Allow: 'GET', 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`${endpoint} is a live reload event stream: use GET.\n`);
      } else {
        stream.open(req, res, firstEvents(req, currentId()));
      }
      return true;
    },
    inject: (html) => injectBeforeBodyEnd(html, scriptTag),
    get clients() {
      return stream.size;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    get lastError() {
      return lastError;
    },
    async close() {
      if (closed) return;
      closed = true;
      batch.cancel();
      watcher?.close();
      listeners.clear();
      await stream.close();
    },
  };
}

/** `hello`, or instead a catch-up `reload` when the page last saw an older change. */
function firstEvents(req: IncomingMessage, id: string): SseEvent[] {
  const hello: SseEvent = { event: 'hello', id, data: '{}' };
  const seen = lastSeenId(req);
  if (seen === undefined || seen === id) return [hello];
  return [{ event: 'reload', id, data: JSON.stringify({ path: null }) }];
}

/** The id a reconnecting page saw last: `Last-Event-ID` (EventSource's own retry) or `?since=`. */
function lastSeenId(req: IncomingMessage): string | undefined {
  const header = req.headers['last-event-id'];
  if (typeof header === 'string' && header !== '') return header;
  const query = (req.url ?? '').split('?')[1];
  return new URLSearchParams(query ?? '').get('since') || undefined;
}
