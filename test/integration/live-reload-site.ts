import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { onTestFinished } from 'vitest';
import {
  createLiveReload,
  type LiveReload,
  type LiveReloadOptions,
} from '../../src/serve/live-reload.js';
import { listen } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A folder served on 127.0.0.1 with live reload, as `portier serve` will do it. */
export interface ReloadSite {
  root: string;
  live: LiveReload;
  server: Server;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Writes a file under the root, creating its folder. */
  write(relativePath: string, text: string): void;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Writes `files` into a fresh temporary folder and serves it on 127.0.0.1 port 0: the live
 * reload endpoint through `handle()`, HTML through `inject()`, other files as they are. The
 * server, its connections, live reload and the folder go when the test ends.
 */
export async function startReloadSite(
  files: Record<string, string>,
  options: ReloadSiteOptions = {},
): Promise<ReloadSite> {
  const { root = tempDir('portier-reload-'), port: wantedPort, ...liveOptions } = options;
  const write = (relativePath: string, text: string) => {
    const path = join(root, relativePath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  for (const [path, text] of Object.entries(files)) write(path, text);
  const live = createLiveReload({ root, ...liveOptions });
  onTestFinished(() => live.close());
  const server = createServer((req, res) => {
    if (live.handle(req, res)) return;
    const urlPath = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const path = resolve(root, `.${urlPath.endsWith('/') ? `${urlPath}index.html` : urlPath}`);
    let body: string;
    try {
      if (!path.startsWith(root + sep)) throw new Error('outside the root');
      body = readFileSync(path, 'utf8');
    } catch {
      res.writeHead(404).end();
      return;
    }
    const type = TYPES[extname(path)] ?? 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
    res.end(type.startsWith('text/html') ? live.inject(body) : body);
  });
  const port = wantedPort === undefined ? await listen(server) : await listenOn(server, wantedPort);
  return { root, live, server, origin: `http://127.0.0.1:${port}`, write };
}

/** Live reload options, plus where to serve from: a given root, a given port (as a restart). */
export type ReloadSiteOptions = Omit<LiveReloadOptions, 'root'> & { root?: string; port?: number };

/** Listens on 127.0.0.1:`port`; the server and its connections close when the test ends. */
async function listenOn(server: Server, port: number): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, resolve);
  });
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return port;
}

/** One Server-Sent Event as a client sees it; comments have type `comment`. */
export interface ReceivedEvent {
  type: string;
  data: string;
  id: string | undefined;
}

/** A `text/event-stream` read with `fetch`, event by event. */
export interface EventStreamReader {
  status: number;
  headers: Headers;
  /** The next event (comments included), or undefined when the stream ended. */
  next(timeoutMs?: number): Promise<ReceivedEvent | undefined>;
  /** The next event of `type`, skipping others; rejects when the stream ends first. */
  nextOf(type: string, timeoutMs?: number): Promise<ReceivedEvent>;
  /** Drops the connection. */
  close(): void;
}

/** Opens `url` as an event stream; it is closed when the test ends. */
export async function readEventStream(
  url: string,
  headers: Record<string, string> = {},
): Promise<EventStreamReader> {
  const abort = new AbortController();
  onTestFinished(() => abort.abort());
  const response = await fetch(url, { headers, signal: abort.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const queue: ReceivedEvent[] = [];
  let ended = false;
  // One read in flight at a time: a read abandoned by a timeout is awaited by the next call.
  let reading: Promise<ReadableStreamReadResult<string>> | undefined;
  const next = async (timeoutMs = 10_000): Promise<ReceivedEvent | undefined> => {
    const deadline = Date.now() + timeoutMs;
    while (queue.length === 0 && !ended) {
      const left = deadline - Date.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), left);
      });
      reading ??= reader.read();
      const chunk = await Promise.race([reading, timeout]).finally(() => clearTimeout(timer));
      reading = undefined;
      if (chunk.done) ended = true;
      else buffer += chunk.value;
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop()!;
      for (const block of blocks) queue.push(parseBlock(block));
    }
    return queue.shift();
  };
  return {
    status: response.status,
    headers: response.headers,
    next,
    async nextOf(type, timeoutMs = 10_000) {
      for (;;) {
        const event = await next(timeoutMs);
        if (event === undefined) throw new Error(`the stream ended before a "${type}" event`);
        if (event.type === type) return event;
      }
    },
    close: () => abort.abort(),
  };
}

function parseBlock(block: string): ReceivedEvent {
  if (block.startsWith(':')) return { type: 'comment', data: block.slice(1).trim(), id: undefined };
  const fields = new Map<string, string[]>();
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    fields.set(name, [...(fields.get(name) ?? []), value]);
  }
  const retry = fields.get('retry');
  const onlyRetry = retry !== undefined && !fields.has('event') && !fields.has('data');
  return {
    type: onlyRetry ? 'retry' : (fields.get('event')?.[0] ?? 'message'),
    data: (onlyRetry ? retry : (fields.get('data') ?? [])).join('\n'),
    id: fields.get('id')?.[0],
  };
}
