import { type FileHandle, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LogLine, LogQuery } from '../types.js';
import { compileLogQuery, lastLines, sortLogLines } from './log-query.js';
import { logFileName, parseLogRecord } from './log-record.js';
import { createRing } from './ring.js';

/** A search over log files names the services whose files to read. */
export type LogFileQuery = LogQuery & { services: readonly string[] };

/**
 * Searches the log files in `dir` (as the log hub writes them) for `query`, so `portier logs
 * --grep` covers the whole history and not only the lines in memory. Reads each service's
 * rotated files oldest first (`api.log.3` … `api.log.1`), then `api.log`, line by line, holding
 * at most `limit` matches per service. Same semantics as the hub's `query`: the last `limit`
 * matching lines (default 1,000), oldest first, ordered by `time` then `seq` across services.
 * A missing directory or file is no lines; lines that are not records (cut short by a crash)
 * are skipped. Other read errors are thrown as they come.
 */
export async function searchLogFiles(dir: string, query: LogFileQuery): Promise<LogLine[]> {
  const compiled = compileLogQuery(query);
  const names = await listDir(dir);
  const found = await Promise.all(
    [...new Set(query.services)].map((service) =>
      searchService(dir, names, service, compiled.matches, compiled.limit),
    ),
  );
  return lastLines(sortLogLines(found.flat()), compiled.limit);
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** A service's log files in `names`, oldest first: `.N` … `.1`, then the current one. */
export function serviceLogFiles(names: readonly string[], service: string): string[] {
  const base = logFileName(service);
  const rotated: { name: string; n: number }[] = [];
  for (const name of names) {
    const suffix = name.startsWith(`${base}.`) ? name.slice(base.length + 1) : '';
    if (/^[1-9][0-9]*$/.test(suffix)) rotated.push({ name, n: Number(suffix) });
  }
  rotated.sort((a, b) => b.n - a.n);
  const files = rotated.map((r) => r.name);
  if (names.includes(base)) files.push(base);
  return files;
}

async function searchService(
  dir: string,
  names: readonly string[],
  service: string,
  matches: (line: LogLine) => boolean,
  limit: number,
): Promise<LogLine[]> {
  // Opened all at once, before reading: a rotation while we read renames the files, but open
  // handles keep pointing at the same contents, so no file is read twice or missed.
  const handles = await openAll(serviceLogFiles(names, service).map((name) => join(dir, name)));
  const kept = Number.isFinite(limit) ? createRing<LogLine>(limit) : undefined;
  const all: LogLine[] = [];
  try {
    for (const handle of handles) {
      const lines = createInterface({
        input: handle.createReadStream({ autoClose: false }),
        crlfDelay: Number.POSITIVE_INFINITY,
      });
      for await (const text of lines) {
        const line = parseLogRecord(text, service);
        if (!line || !matches(line)) continue;
        if (kept) kept.push(line);
        else all.push(line);
      }
    }
  } finally {
    await Promise.all(handles.map((handle) => handle.close().catch(() => {})));
  }
  return kept ? kept.last(kept.size) : all;
}

async function openAll(paths: readonly string[]): Promise<FileHandle[]> {
  const handles: FileHandle[] = [];
  try {
    for (const path of paths) {
      try {
        handles.push(await open(path, 'r'));
      } catch (error) {
        // Rotated away (the oldest one dropped) between listing and opening.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return handles;
  } catch (error) {
    await Promise.all(handles.map((handle) => handle.close().catch(() => {})));
    throw error;
  }
}
