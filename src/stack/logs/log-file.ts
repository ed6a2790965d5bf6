import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Most bytes written in one call (1 MiB): large enough to be cheap, small enough to interleave. */
const MAX_BATCH_BYTES = 1024 * 1024;

/**
 * Text waiting to be written before new lines are dropped, in UTF-16 code units (32 Mi, about
 * 32 MB of ASCII). Only reached when the disk stalls (a hung network mount): memory stays
 * bounded and the services keep running; the gap is reported through `onDropped`.
 */
export const MAX_PENDING_CHARS = 32 * 1024 * 1024;

/** Options for {@link createLogFile}. */
export interface LogFileOptions {
  /** The current file; rotated ones are `<path>.1` (newest) to `<path>.<keepFiles>`. */
  path: string;
  /** Rotate before a write would take the file past this many bytes. */
  maxFileBytes: number;
  /** Rotated files kept; older ones are deleted. 0 keeps only the current file. */
  keepFiles: number;
  /** Text queued before lines are dropped, in UTF-16 code units. Default {@link MAX_PENDING_CHARS}. */
  maxPendingChars?: number;
  /**
   * Called once, on the first failure (directory gone, disk full, permission): the file is
   * then given up and later lines are not written.
   */
  onError: (error: Error) => void;
  /** Called when writing caught up after dropping `lines` lines because it fell behind. */
  onDropped?: (lines: number) => void;
}

/** One service's log file; see {@link createLogFile}. */
export interface LogFile {
  /** Queues `line` (newline included); returns at once, never throws. */
  write(line: string): void;
  /** Resolves when every line queued so far is written (or given up). */
  flush(): Promise<void>;
  /** Flushes, then closes the file; later writes are ignored. */
  close(): Promise<void>;
}

/**
 * An append-only log file written in the background: `write` only queues, and one loop writes
 * the queue in batches, so a child's output is never held up by the disk (a synchronous write
 * per line would stall the supervisor's event loop, and with it every pipe it reads). The file
 * is opened on the first line, appending to what an earlier run left, and its directory made
 * then. A batch never takes the file past `maxFileBytes`: the file is rotated first, except
 * that a single line larger than that goes alone into a fresh file.
 */
export function createLogFile(options: LogFileOptions): LogFile {
  const { path, maxFileBytes, keepFiles } = options;
  const maxPending = options.maxPendingChars ?? MAX_PENDING_CHARS;
  let queue: string[] = [];
  let queuedChars = 0;
  let dropped = 0;
  let handle: FileHandle | undefined;
  let size = 0;
  let running: Promise<void> | undefined;
  let state: 'open' | 'failed' | 'closed' = 'open';

  const writeBatch = async () => {
    if (!handle) {
      await mkdir(dirname(path), { recursive: true });
      handle = await open(path, 'a', 0o600);
      size = (await handle.stat()).size;
    }
    const { parts, bytes } = takeBatch(queue, maxFileBytes - size, size === 0);
    if (parts.length === 0) {
      handle = await rotate(handle, path, keepFiles);
      size = 0;
      return;
    }
    queue = queue.slice(parts.length);
    for (const part of parts) queuedChars -= part.length;
    await writeAll(handle, Buffer.from(parts.join('')));
    size += bytes;
  };

  const pump = async () => {
    try {
      while (queue.length > 0 && state !== 'failed') await writeBatch();
    } catch (error) {
      state = 'failed';
      queue = [];
      queuedChars = 0;
      await handle?.close().catch(() => {});
      handle = undefined;
      options.onError(error as Error);
    } finally {
      // Cleared here, synchronously after the last check of the queue, so a write that comes in
      // later always finds no loop running and starts one. (The loop always awaits at least
      // once, so this never runs before `running` is assigned.)
      running = undefined;
    }
    if (dropped > 0 && state !== 'failed') {
      const lines = dropped;
      dropped = 0;
      options.onDropped?.(lines);
    }
  };

  const flush = async () => {
    while (running) await running;
  };

  return {
    write(line) {
      if (state !== 'open') return;
      if (queuedChars + line.length > maxPending) {
        dropped++;
        return;
      }
      queue.push(line);
      queuedChars += line.length;
      running ??= pump();
    },
    flush,
    async close() {
      await flush();
      if (state === 'open') state = 'closed';
      const closing = handle;
      handle = undefined;
      await closing?.close().catch(() => {});
    },
  };
}

/**
 * The lines from the start of `queue` that fit in `room` bytes (and one batch), in order. An
 * empty result means the file is full; a `fresh` (empty) file takes a first line of any size.
 */
function takeBatch(queue: readonly string[], room: number, fresh: boolean) {
  const parts: string[] = [];
  let bytes = 0;
  for (const line of queue) {
    const lineBytes = Buffer.byteLength(line);
    if (parts.length > 0 && bytes + lineBytes > MAX_BATCH_BYTES) break;
    if (bytes + lineBytes > room && !(fresh && parts.length === 0)) break;
    parts.push(line);
    bytes += lineBytes;
  }
  return { parts, bytes };
}

/** Writes all of `data`: a write may take fewer bytes than given. */
async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Closes the full file and shifts the names: `.2` → `.3`, `.1` → `.2`, current → `.1`; the
 * rename onto `.<keepFiles>` replaces (drops) the oldest. Returns the new, empty current file.
 * Not making the directory again: if it was removed, opening fails and logging to the file stops.
 */
async function rotate(handle: FileHandle, path: string, keepFiles: number): Promise<FileHandle> {
  await handle.close();
  for (let n = keepFiles - 1; n >= 1; n--) await renameIfThere(`${path}.${n}`, `${path}.${n + 1}`);
  if (keepFiles > 0) await renameIfThere(path, `${path}.1`);
  else await rm(path, { force: true });
  return open(path, 'a', 0o600);
}

async function renameIfThere(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    // A missing file (fewer rotations so far, or deleted by hand) is a gap, not a failure.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
