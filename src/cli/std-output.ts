import { fstatSync, writeSync } from 'node:fs';

/** Where a command writes: the CLI's stdout or stderr. */
export interface OutputStream {
  /** Writes `text` whole before returning; false once the reader has gone (EPIPE). */
  write(text: string): boolean;
  /** Whether a terminal reads it. */
  readonly isTTY: boolean;
  /** The terminal's width in columns; undefined off a terminal. */
  readonly columns: number | undefined;
  /** The process's own stream, built on first use, for APIs that need a stream (readline). */
  readonly stream: NodeJS.WriteStream;
}

/** The CLI's stdin, for the commands that ask a question. */
export interface InputStream {
  readonly isTTY: boolean;
  /** The process's own stream, built on first use. */
  readonly stream: NodeJS.ReadStream;
}

/** Linux's major number of the memory devices (/dev/null, /dev/zero, …): never a terminal. */
const MEMORY_DEVICES_MAJOR = 1;

/**
 * Whether a terminal is on `fd`. On Linux one fstat settles the common cases (a file, a pipe,
 * /dev/null) without loading `tty`, which loads `net` (~2 ms in a CLI that lives ~80 ms).
 */
export function isTerminal(fd: number, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'linux') {
    try {
      const stat = fstatSync(fd);
      if (!stat.isCharacterDevice()) return false;
      if ((Math.floor(stat.rdev / 256) & 0xfff) === MEMORY_DEVICES_MAJOR) return false;
    } catch {
      return false; // closed: nobody reads it
    }
  }
  return process.getBuiltinModule('node:tty').isatty(fd);
}

/**
 * An output stream on `fd` that writes with `writeSync` and builds the process's stream only
 * when something needs it: building `process.stdout` loads Node's stream modules (and `net`
 * for a pipe), ~1.5 ms of a short command. Once the stream exists every write goes through it,
 * so output stays in order. A descriptor left non-blocking by another process (EAGAIN) hands
 * the rest to the stream, which waits for the reader. When the reader has gone (EPIPE, either
 * way) the output is dropped and `onClosed` runs once, so a command that runs until stopped
 * (`ls --watch | head -1`) can end instead of printing to nobody.
 */
export function createOutput(
  fd: number,
  stream: () => NodeJS.WriteStream,
  onClosed?: () => void,
): OutputStream {
  let built: NodeJS.WriteStream | undefined;
  let tty: boolean | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    onClosed?.();
  };
  const theStream = () => {
    if (!built) {
      built = stream();
      built.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
        close();
      });
    }
    return built;
  };
  return {
    write(text) {
      if (closed) return false;
      if (built) return built.write(text);
      let bytes: Buffer | undefined;
      let offset = 0;
      try {
        const total = Buffer.byteLength(text);
        offset = writeSync(fd, text);
        if (offset >= total) return true;
        bytes = Buffer.from(text);
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
        return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // The reader left (`portier ls | head -1`): the rest of the output has no reader.
        if (code === 'EPIPE') {
          close();
          return false;
        }
        if (code !== 'EAGAIN') throw error;
        const rest = bytes ? bytes.subarray(offset) : Buffer.from(text).subarray(offset);
        return theStream().write(rest);
      }
    },
    get isTTY() {
      tty ??= isTerminal(fd);
      return tty;
    },
    get columns() {
      return this.isTTY ? theStream().columns : undefined;
    },
    get stream() {
      return theStream();
    },
  };
}

/** The CLI's stdin, its stream built only when a command reads it. */
export function createInput(fd: number, stream: () => NodeJS.ReadStream): InputStream {
  let tty: boolean | undefined;
  return {
    get isTTY() {
      tty ??= isTerminal(fd);
      return tty;
    },
    get stream() {
      return stream();
    },
  };
}
