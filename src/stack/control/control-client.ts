import { request } from 'node:http';
import { ERROR_CODES, type ErrorCode, PortierError } from '../../errors.js';
import type { LogLine, LogQuery, StackEvent, StackStatus } from '../types.js';
import type { ControlTarget } from './control-server.js';
import { formatLogQuery } from './log-query-params.js';

/** A request to the supervisor gets this long, ms. */
export const CONTROL_TIMEOUT_MS = 10_000;
/** `down` and `stop` wait for services to stop (stop_timeout each), so they get longer, ms. */
const STOP_TIMEOUT_MS = 120_000;

interface CallOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  timeoutMs?: number;
}

function toError(status: number, text: string, socketPath: string): Error {
  try {
    const { error } = JSON.parse(text) as {
      error?: { code?: string; message?: string; hint?: string };
    };
    if (error?.code && error.code in ERROR_CODES)
      return new PortierError(error.code as ErrorCode, error.message ?? error.code, {
        ...(error.hint ? { hint: error.hint } : {}),
      });
    if (error?.message) return new Error(error.message);
  } catch {}
  return new PortierError(
    'STACK_CONTROL_FAILED',
    `The supervisor at ${socketPath} answered ${status}.`,
  );
}

function call<T>(socketPath: string, path: string, options: CallOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      {
        socketPath,
        path,
        method: options.method ?? 'GET',
        headers: body ? { 'content-type': 'application/json' } : {},
        timeout: options.timeoutMs ?? CONTROL_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 400)
            return reject(toError(res.statusCode ?? 500, text, socketPath));
          resolve(JSON.parse(text) as T);
        });
      },
    );
    req.on('timeout', () => {
      req.destroy(
        new PortierError(
          'STACK_CONTROL_FAILED',
          `The supervisor did not answer on ${socketPath} within ${options.timeoutMs ?? CONTROL_TIMEOUT_MS} ms.`,
          {
            path: socketPath,
            hint: 'Try again; if it stays silent, `portier down` signals it by pid.',
          },
        ),
      );
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof PortierError) return reject(error);
      reject(
        new PortierError(
          error.code === 'ENOENT' || error.code === 'ECONNREFUSED'
            ? 'STACK_NOT_RUNNING'
            : 'STACK_CONTROL_FAILED',
          `Cannot reach the supervisor on ${socketPath}: ${error.code ?? error.message}.`,
          { path: socketPath, hint: 'Start the stack with `portier up -d`.', cause: error },
        ),
      );
    });
    req.end(body);
  });
}

/** A running stack's control API as a {@link ControlTarget}. */
export interface StackClient extends ControlTarget {
  /**
   * Subscribes and resolves once the event stream is open, so nothing that happens after is
   * missed. `onEnd` runs when the supervisor closes the stream (it stopped).
   */
  follow(
    listener: (event: StackEvent | { type: 'skipped'; count: number }) => void,
    onEnd?: () => void,
  ): Promise<() => void>;
}

/** Talks to the supervisor listening on `socketPath`. */
export function createStackClient(socketPath: string): StackClient {
  const follow: StackClient['follow'] = (listener, onEnd) =>
    new Promise((resolve, reject) => {
      const req = request({ socketPath, path: '/events' }, (res) => {
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let newline = buffered.indexOf('\n');
          while (newline >= 0) {
            const line = buffered.slice(0, newline);
            buffered = buffered.slice(newline + 1);
            if (line) listener(JSON.parse(line));
            newline = buffered.indexOf('\n');
          }
        });
        res.on('close', () => onEnd?.());
        resolve(() => req.destroy());
      });
      req.on('error', (error: NodeJS.ErrnoException) =>
        reject(
          new PortierError(
            'STACK_NOT_RUNNING',
            `Cannot reach the supervisor on ${socketPath}: ${error.code}.`,
            {
              path: socketPath,
              cause: error,
            },
          ),
        ),
      );
      req.end();
    });
  return {
    start: (services) =>
      call(socketPath, '/start', {
        method: 'POST',
        body: { services },
        timeoutMs: STOP_TIMEOUT_MS,
      }).then(() => {}),
    stop: (services) =>
      call(socketPath, '/stop', {
        method: 'POST',
        body: { services },
        timeoutMs: STOP_TIMEOUT_MS,
      }).then(() => {}),
    restart: (service) =>
      call(socketPath, '/restart', {
        method: 'POST',
        body: { service },
        timeoutMs: STOP_TIMEOUT_MS,
      }).then(() => {}),
    down: () => call(socketPath, '/down', { method: 'POST' }).then(() => {}),
    status: () => call<StackStatus>(socketPath, '/status'),
    logs: (query: LogQuery = {}) => call<LogLine[]>(socketPath, `/logs${formatLogQuery(query)}`),
    subscribe(listener) {
      let cancel: (() => void) | undefined;
      let cancelled = false;
      follow((event) => {
        if (event.type !== 'skipped') listener(event);
      }).then(
        (stop) => {
          if (cancelled) stop();
          else cancel = stop;
        },
        () => {},
      );
      return () => {
        cancelled = true;
        cancel?.();
      };
    },
    follow,
  };
}
