import { join } from 'node:path';
import type { LogLine, LogStream } from '../types.js';

/**
 * The on-disk form of a log line: one JSON object per line, `{"seq":…,"time":…,"stream":…,
 * "text":…}`, in `<dir>/<service>.log`. JSON rather than timestamped text because it is
 * lossless (a line may hold anything, ANSI colours and stray `\r` included, and still parses
 * back to the same {@link LogLine}) and because `portier logs --grep` and other tools read it
 * back by machine. `jq -r .text < api.log` gives the plain output.
 */
export interface LogRecord {
  seq: number;
  /** Epoch ms when the line was read. */
  time: number;
  stream: LogStream;
  text: string;
}

const STREAMS: ReadonlySet<string> = new Set<LogStream>(['stdout', 'stderr', 'portier']);

/** The file line for `line`, newline included; the service is the file's name, not a field. */
export function formatLogRecord(line: LogLine): string {
  const record: LogRecord = {
    seq: line.seq,
    time: line.time,
    stream: line.stream,
    text: line.text,
  };
  return `${JSON.stringify(record)}\n`;
}

/**
 * Reads one file line back into a {@link LogLine} of `service`; undefined for a line that is
 * not a record (cut short when the supervisor was killed mid-write, or edited by hand).
 */
export function parseLogRecord(text: string, service: string): LogLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Partial<Record<keyof LogRecord, unknown>>;
  if (typeof r.seq !== 'number' || typeof r.time !== 'number' || typeof r.text !== 'string') {
    return undefined;
  }
  if (typeof r.stream !== 'string' || !STREAMS.has(r.stream)) return undefined;
  return { service, stream: r.stream as LogStream, text: r.text, time: r.time, seq: r.seq };
}

/**
 * The file name of a service's log, `<service>.log`. Characters other than letters, digits,
 * `.`, `_` and `-` become `_`, so a service name can never reach outside the log directory.
 */
export function logFileName(service: string): string {
  const safe = service.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return `${safe}.log`;
}

/** Path of a service's current log file in `dir`; rotated ones add `.1`, `.2`, … (oldest last). */
export function logFilePath(dir: string, service: string): string {
  return join(dir, logFileName(service));
}
