import { closeSync, openSync, readSync } from 'node:fs';
import { PROC_STATE_LISTEN } from './linux-proc-net.js';

/** Bytes asked of the kernel per read: about 50 rows, so the overshoot past the listeners is small. */
const CHUNK_BYTES = 8 * 1024;

/** The hex state of a /proc/net/tcp row (4th field), or undefined for a header or a partial line. */
function rowState(line: string): string | undefined {
  const fields = line.trim().split(/\s+/, 4);
  return fields.length === 4 && fields[0]!.endsWith(':') ? fields[3] : undefined;
}

const COLON = 58;
const SPACE = 32;
const NEWLINE = 10;
/**
 * The length of every line of /proc/net/tcp and udp, newline included: the kernel pads each
 * to it (`TMPSZ` in net/ipv4/tcp_ipv4.c), the header too. tcp6's lines are not padded.
 */
const PADDED_LINE = 150;
/** The bytes of PROC_STATE_LISTEN, `0A`. */
const LISTEN_BYTES = [PROC_STATE_LISTEN.charCodeAt(0), PROC_STATE_LISTEN.charCodeAt(1)] as const;

/**
 * Whether the row `bytes[start, end)` is a LISTEN row, read where the kernel's fixed-width
 * layout puts the state (`%4d: %08X:%04X %08X:%04X %02X`, 32 hex digits per IPv6 address);
 * undefined when the line does not have that layout (the header), for {@link rowState}.
 * Reading bytes in place spares a CLI process, before the JIT warms up, a string per row.
 */
function isListenRow(bytes: Buffer, start: number, end: number): boolean | undefined {
  // `%4d:` puts the colon 4 bytes in for the first 10,000 slots.
  const colon = bytes[start + 4] === COLON ? start + 4 : bytes.indexOf(COLON, start);
  if (colon < 0 || colon >= end) return undefined;
  const hexDigits = bytes[colon + 10] === COLON ? 8 : 32;
  const at = colon + 2 * (hexDigits + 6) + 2;
  if (at + 2 >= end || bytes[at - 1] !== SPACE || bytes[at + 2] !== SPACE) return undefined;
  return bytes[at] === LISTEN_BYTES[0] && bytes[at + 1] === LISTEN_BYTES[1];
}

/**
 * Reads the text of a /proc/net/tcp{,6} file only as far as its listeners go. The kernel lists
 * the listening hash before the established one, and generates the file as it is read, so
 * stopping at the first row that is not LISTEN skips the cost of formatting every connection
 * (thousands of rows on a busy machine) — the table of listeners is exact all the same. The
 * bytes are gathered in one buffer and decoded once: appending each chunk to a string made
 * every search for a line end copy the whole text again.
 */
export function readListenSection(path: string): string {
  const fd = openSync(path, 'r');
  try {
    let bytes = Buffer.allocUnsafe(4 * CHUNK_BYTES);
    let length = 0;
    let scanned = 0; // bytes before this offset hold only complete LISTEN rows or the header
    let padded: boolean | undefined;
    for (;;) {
      if (bytes.length - length < CHUNK_BYTES) {
        const grown = Buffer.allocUnsafe(2 * bytes.length);
        bytes.copy(grown, 0, 0, length);
        bytes = grown;
      }
      const n = readSync(fd, bytes, length, CHUNK_BYTES, null);
      if (n === 0) return bytes.toString('latin1', 0, length);
      length += n;
      // A padded table (its header ends at the padded width) is cut into lines by position;
      // Buffer#indexOf costs a cold process a few µs a call, twice a row.
      padded ??= length >= PADDED_LINE ? bytes.indexOf(NEWLINE) === PADDED_LINE - 1 : undefined;
      const lineEnd = (from: number) =>
        padded && from + PADDED_LINE <= length && bytes[from + PADDED_LINE - 1] === NEWLINE
          ? from + PADDED_LINE - 1
          : bytes.indexOf(NEWLINE, from);
      let end = lineEnd(scanned);
      while (end >= 0 && end < length) {
        const listen =
          isListenRow(bytes, scanned, end) ??
          rowIsListenByFields(bytes.toString('latin1', scanned, end));
        if (listen === false) return bytes.toString('latin1', 0, scanned);
        scanned = end + 1;
        end = lineEnd(scanned);
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** {@link rowState} as a LISTEN test: undefined for a header or a partial line. */
function rowIsListenByFields(line: string): boolean | undefined {
  const state = rowState(line);
  return state === undefined ? undefined : state === PROC_STATE_LISTEN;
}
