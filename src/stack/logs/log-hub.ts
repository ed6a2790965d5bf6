import type { LogLine, LogQuery, LogStream } from '../types.js';
import { createFanOut } from './fan-out.js';
import { createLineSplitter, type LineSplitter } from './line-splitter.js';
import { createLogFile, type LogFile } from './log-file.js';
import { compileLogQuery, lastLines } from './log-query.js';
import { formatLogRecord, logFilePath } from './log-record.js';
import { createRing, type Ring } from './ring.js';

/** Lines kept in memory per service by default (2,000). */
export const DEFAULT_MAX_LINES = 2_000;
/** Size past which a service's log file is rotated by default, in bytes (10 MiB). */
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Rotated log files kept per service by default (3: `api.log.1` … `api.log.3`). */
export const DEFAULT_KEEP_FILES = 3;

/** Options for {@link createLogHub}; all optional. */
export interface LogHubOptions {
  /**
   * Directory for log files, one `<service>.log` per service in JSON lines (see
   * {@link formatLogRecord}); made on the first line. None: lines are kept in memory only.
   */
  dir?: string;
  /** Lines kept in memory per service, the newest. Default 2,000. */
  maxLines?: number;
  /** Rotate a service's file before it would pass this many bytes. Default 10 MiB. */
  maxFileBytes?: number;
  /** Rotated files kept per service: `api.log.1` (newest) … `api.log.<keepFiles>`. Default 3. */
  keepFiles?: number;
  /** Clock for each line's `time`, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Told when a subscriber throws; the line still reaches the others. Default: ignored. */
  onListenerError?: (error: unknown, line: LogLine) => void;
}

/** Where every service's output goes; see {@link createLogHub}. */
export interface LogHub {
  /**
   * A sink for one output stream of one process: pipe the child's chunks to `push` and call
   * `end` when the stream ends (that emits a last line without a newline). One per process
   * start; a restarted service gets new ones.
   */
  stream(service: string, stream: 'stdout' | 'stderr'): LineSplitter;
  /** Adds portier's own line about a service (stream `portier`); a `\n` starts another line. */
  note(service: string, text: string): void;
  /** The last `n` lines of a service in memory, oldest first. */
  tail(service: string, n: number): LogLine[];
  /** Lines in memory matching `query`, oldest first; the last `limit` (default 1,000). */
  query(query?: LogQuery): LogLine[];
  /**
   * Calls `listener` synchronously with every new line until the returned function is called.
   * A listener must not block: a slow reader queues (see `createBoundedLineQueue`). One that
   * throws does not stop the line reaching the others.
   */
  subscribe(listener: (line: LogLine) => void): () => void;
  /** Resolves when every line so far is in its file (or the file was given up). */
  flush(): Promise<void>;
  /** Ends open streams (emitting their partial lines), flushes and closes the files. */
  close(): Promise<void>;
}

interface ServiceLog {
  lines: Ring<LogLine>;
  file: LogFile | undefined;
}

/**
 * The log layer of a stack: splits each child's output into lines, stamps every line with a
 * stack-wide `seq` and a `time`, keeps the newest `maxLines` per service in memory, appends
 * them to the service's file in the background, and fans them out to subscribers. Nothing here
 * waits on a reader or the disk, so a service is never slowed by who watches its output.
 * A file that cannot be written (directory removed, disk full) is noted once as a `portier`
 * line and given up; memory logging goes on. (A directory removed while its file is open is
 * noticed at the next rotation: until then the system accepts writes to the removed file.)
 */
export function createLogHub(options: LogHubOptions = {}): LogHub {
  const maxLines = options.maxLines ?? DEFAULT_MAX_LINES;
  const now = options.now ?? Date.now;
  const services = new Map<string, ServiceLog>();
  const open = new Set<LineSplitter>();
  const fanOut = createFanOut<LogLine>(options.onListenerError);
  let seq = 0;
  let closed = false;

  const serviceLog = (service: string): ServiceLog => {
    let log = services.get(service);
    if (!log) {
      log = { lines: createRing(maxLines), file: undefined };
      services.set(service, log);
      if (options.dir !== undefined && !closed) {
        log.file = openServiceFile(options.dir, service, options, (text) =>
          add(service, 'portier', text),
        );
      }
    }
    return log;
  };

  const add = (service: string, stream: LogStream, text: string) => {
    const line: LogLine = { service, stream, text, time: now(), seq: ++seq };
    const log = serviceLog(service);
    log.lines.push(line);
    log.file?.write(formatLogRecord(line));
    fanOut.emit(line);
  };

  return {
    stream(service, stream) {
      serviceLog(service);
      const inner = createLineSplitter((text) => add(service, stream, text));
      const sink: LineSplitter = {
        push: (chunk) => inner.push(chunk),
        end: () => {
          open.delete(sink);
          inner.end();
        },
      };
      open.add(sink);
      return sink;
    },
    note(service, text) {
      for (const part of text.split('\n')) add(service, 'portier', part);
    },
    tail(service, n) {
      return services.get(service)?.lines.last(n) ?? [];
    },
    query(query = {}) {
      return queryMemory(services, query);
    },
    subscribe: (listener) => fanOut.subscribe(listener),
    async flush() {
      await Promise.all([...services.values()].map((log) => log.file?.flush()));
    },
    async close() {
      for (const sink of [...open]) sink.end();
      closed = true;
      await Promise.all([...services.values()].map((log) => log.file?.close()));
    },
  };
}

/** A service's log file, whose trouble comes back as portier notes through `note`. */
function openServiceFile(
  dir: string,
  service: string,
  options: LogHubOptions,
  note: (text: string) => void,
): LogFile {
  const path = logFilePath(dir, service);
  const maxLines = options.maxLines ?? DEFAULT_MAX_LINES;
  return createLogFile({
    path,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    keepFiles: options.keepFiles ?? DEFAULT_KEEP_FILES,
    onError: (error) =>
      note(
        `Could not write ${path} (${error.message}); ${service}'s output is now kept in memory only, the last ${maxLines} lines. Free disk space or restore the directory, then restart the stack to log to the file again.`,
      ),
    onDropped: (count) =>
      note(`${count} lines were left out of ${path}: writing to disk fell behind the output.`),
  });
}

function queryMemory(services: ReadonlyMap<string, ServiceLog>, query: LogQuery): LogLine[] {
  const compiled = compileLogQuery(query);
  const matched: LogLine[] = [];
  for (const [name, log] of services) {
    if (compiled.services && !compiled.services.has(name)) continue;
    for (const line of log.lines.last(log.lines.size)) {
      if (compiled.matches(line)) matched.push(line);
    }
  }
  // `seq` is the order lines were read in; `time` may step back when the clock is adjusted.
  matched.sort((a, b) => a.seq - b.seq);
  return lastLines(matched, compiled.limit);
}
