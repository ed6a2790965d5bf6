import { chmodSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isPortierError } from '../../errors.js';
import type { StackControl, StackEvent } from '../types.js';
import { parseLogQuery } from './log-query-params.js';

/** Events a slow reader may have queued before newer ones are dropped, in bytes. */
const MAX_QUEUED_BYTES = 1024 * 1024;
/** Largest request body accepted, bytes. */
const MAX_BODY_BYTES = 64 * 1024;

/** What the control server serves: the stack plus `down` (stop everything and exit). */
export interface ControlTarget extends StackControl {
  /** Stops the stack and ends the supervisor; resolves once every service is stopped. */
  down(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new Error('request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {});
      } catch {
        reject(new Error('request body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

const names = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.length > 0 ? value.map(String) : undefined;

/**
 * Streams events as JSON lines. A reader that falls behind loses events, and never slows the
 * stack: the supervisor does not wait for any socket. A `{"type":"skipped"}` line says how many
 * were lost.
 */
function streamEvents(stack: StackControl, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  res.flushHeaders();
  let skipped = 0;
  const unsubscribe = stack.subscribe((event: StackEvent) => {
    if (res.writableLength > MAX_QUEUED_BYTES) {
      skipped += 1;
      return;
    }
    if (skipped > 0) {
      res.write(`${JSON.stringify({ type: 'skipped', count: skipped })}\n`);
      skipped = 0;
    }
    res.write(`${JSON.stringify(event)}\n`);
  });
  req.socket.setTimeout(0);
  res.on('close', unsubscribe);
}

async function route(target: ControlTarget, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://stack');
  const key = `${req.method} ${url.pathname}`;
  switch (key) {
    case 'GET /status':
      return send(res, 200, await target.status());
    case 'GET /logs':
      return send(res, 200, await target.logs(parseLogQuery(url.searchParams)));
    case 'GET /events':
      return streamEvents(target, req, res);
    case 'POST /start':
      await target.start(names((await readBody(req)).services));
      return send(res, 200, await target.status());
    case 'POST /stop':
      await target.stop(names((await readBody(req)).services));
      return send(res, 200, await target.status());
    case 'POST /restart': {
      const service = String((await readBody(req)).service ?? '');
      await target.restart(service);
      return send(res, 200, await target.status());
    }
    case 'POST /down':
      send(res, 202, { stopping: true });
      return void target.down();
    default:
      return send(res, 404, { error: { code: 'NOT_FOUND', message: `No route ${key}` } });
  }
}

/**
 * The control API of a running stack: HTTP on a Unix socket (0600, only this user), so `ps`,
 * `logs`, `restart`, `down` and later the dashboard drive the same {@link StackControl}.
 */
export async function startControlServer(
  target: ControlTarget,
  socketPath: string,
): Promise<Server> {
  rmSync(socketPath, { force: true });
  const server = createServer((req, res) => {
    route(target, req, res).catch((error: unknown) => {
      const body = isPortierError(error)
        ? { error: error.toJSON() }
        : { error: { code: 'INTERNAL', message: (error as Error).message } };
      if (!res.headersSent) send(res, isPortierError(error) ? 400 : 500, body);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
  return server;
}
