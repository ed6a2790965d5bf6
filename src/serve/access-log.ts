import type { Colors } from '../text/ansi-colors.js';

/** One served request, as the access log records it. */
export interface AccessLogEntry {
  /** Epoch ms when the response finished. */
  time: number;
  method: string;
  path: string;
  status: number;
  /** Bytes written to the connection for this response, headers included. */
  bytes: number;
  /** Time from request to the last byte written, in ms. */
  ms: number;
}

function statusColor(status: number, c: Colors): (s: string) => string {
  if (status >= 500) return c.red;
  if (status >= 400) return c.yellow;
  if (status >= 300) return c.cyan;
  return c.green;
}

/** `GET /app.js 200 1.2 kB 0.4 ms`, coloured by status when `c` has colours. */
export function formatAccessLine(e: AccessLogEntry, c: Colors): string {
  const size =
    e.bytes < 1024
      ? `${e.bytes} B`
      : e.bytes < 1024 * 1024
        ? `${(e.bytes / 1024).toFixed(1)} kB`
        : `${(e.bytes / 1048576).toFixed(1)} MB`;
  return `${c.dim(new Date(e.time).toISOString().slice(11, 23))} ${e.method} ${e.path} ${statusColor(e.status, c)(String(e.status))} ${size} ${e.ms.toFixed(1)} ms`;
}

/**
 * A line sink that batches writes: under load one write per request would cost more than the
 * request itself, so lines are joined and written once per event-loop turn.
 */
export function createBatchedWriter(write: (chunk: string) => void): (line: string) => void {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const lines = pending;
    pending = [];
    write(`${lines.join('\n')}\n`);
  };
  return (line) => {
    pending.push(line);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}
