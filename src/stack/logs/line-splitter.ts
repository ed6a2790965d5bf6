import { StringDecoder } from 'node:string_decoder';

/**
 * Longest line kept whole, in bytes of UTF-8 (64 KiB). A child that prints a minified bundle
 * or a base64 blob without a newline would otherwise grow one string without bound; past this
 * the line is emitted in pieces of at most this many bytes, each cut on a character boundary.
 */
export const MAX_LINE_BYTES = 64 * 1024;

/** Turns a byte stream into lines; see {@link createLineSplitter}. */
export interface LineSplitter {
  /** Feeds the next chunk of output; whole lines in it are emitted before this returns. */
  push(chunk: Buffer): void;
  /** The stream ended: emits the last line even without a trailing newline. */
  end(): void;
}

/** Options for {@link createLineSplitter}; the default is for tests of the piece size. */
export interface LineSplitterOptions {
  /** Longest piece emitted, in UTF-8 bytes. Default {@link MAX_LINE_BYTES}. */
  maxLineBytes?: number;
}

/**
 * Splits a child's output into lines for `onLine`, synchronously: on `\n`, with one trailing
 * `\r` dropped (Windows tools and some test runners print CRLF). A partial line waits for the
 * next chunk; a multi-byte character split across chunks is decoded whole (StringDecoder keeps
 * its first bytes); `end()` emits what is left. Empty lines are kept: a blank line in a stack
 * trace is output too.
 */
export function createLineSplitter(
  onLine: (text: string) => void,
  options: LineSplitterOptions = {},
): LineSplitter {
  const maxBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let partialBytes = 0;
  let ended = false;

  // One UTF-16 code unit is at most 3 bytes of UTF-8: shorter lines need no byte count.
  const tooLong = (text: string) =>
    text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes;

  const emit = (raw: string) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!tooLong(line)) return onLine(line);
    const bytes = Buffer.from(line);
    const at = emitPieces(bytes, maxBytes, maxBytes, onLine);
    // Nothing is left only when a character wider than maxBytes ended the line.
    if (at < bytes.length) onLine(bytes.toString('utf8', at));
  };

  const add = (text: string) => {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      // The common case (no partial line waiting) slices without building a new string.
      emit(partial === '' ? text.slice(start, nl) : partial + text.slice(start, nl));
      partial = '';
      partialBytes = 0;
      start = nl + 1;
    }
    if (start === text.length) return;
    const rest = text.slice(start);
    partial += rest;
    partialBytes += Buffer.byteLength(rest);
    // A line of exactly maxBytes followed by CRLF must stay one line, not gain an empty one.
    const keep = partial.endsWith('\r') ? maxBytes + 1 : maxBytes;
    if (partialBytes <= keep) return;
    const bytes = Buffer.from(partial);
    const at = emitPieces(bytes, maxBytes, keep, onLine);
    partial = bytes.toString('utf8', at);
    partialBytes = bytes.length - at;
  };

  return {
    push(chunk) {
      if (!ended) add(decoder.write(chunk));
    },
    end() {
      if (ended) return;
      ended = true;
      add(decoder.end());
      if (partial !== '') emit(partial);
      partial = '';
      partialBytes = 0;
    },
  };
}

/**
 * Emits pieces of at most `maxBytes` bytes from the start of `bytes`, each cut before a
 * character, while more than `keep` bytes are left; returns the offset of what is left.
 */
function emitPieces(
  bytes: Buffer,
  maxBytes: number,
  keep: number,
  onLine: (text: string) => void,
): number {
  // 0b10xxxxxx is a continuation byte, never the first byte of a character.
  const inside = (at: number) => ((bytes[at] ?? 0) & 0xc0) === 0x80;
  let at = 0;
  while (bytes.length - at > keep) {
    let cut = at + maxBytes;
    while (cut > at && inside(cut)) cut--;
    if (cut === at) {
      // A single character wider than maxBytes (only with a tiny maxBytes) goes out whole.
      cut = at + 1;
      while (cut < bytes.length && inside(cut)) cut++;
    }
    onLine(bytes.toString('utf8', at, cut));
    at = cut;
  }
  return at;
}
