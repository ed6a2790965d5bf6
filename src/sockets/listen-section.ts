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

/**
 * The state of the row `text[start, end)` read where the kernel's fixed-width layout puts it
 * (`%4d: %08X:%04X %08X:%04X %02X`, 32 hex digits per IPv6 address), or undefined when the
 * line does not have that layout (the header). Cheaper than splitting every row in a CLI
 * process that runs before the JIT warms up; {@link rowState} reads whatever else.
 */
function fixedState(text: string, start: number, end: number): string | undefined {
  const colon = text.indexOf(':', start);
  if (colon < 0 || colon >= end) return undefined;
  const hexDigits = text.charCodeAt(colon + 10) === COLON ? 8 : 32;
  const at = colon + 2 * (hexDigits + 6) + 2;
  if (at + 2 >= end || text.charCodeAt(at - 1) !== SPACE || text.charCodeAt(at + 2) !== SPACE)
    return undefined;
  return text.slice(at, at + 2);
}

/**
 * Reads the text of a /proc/net/tcp{,6} file only as far as its listeners go. The kernel lists
 * the listening hash before the established one, and generates the file as it is read, so
 * stopping at the first row that is not LISTEN skips the cost of formatting every connection
 * (thousands of rows on a busy machine) — the table of listeners is exact all the same.
 */
export function readListenSection(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let text = '';
    let scanned = 0; // text before this offset holds only complete LISTEN rows or the header
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (n === 0) return text;
      text += buffer.toString('latin1', 0, n);
      let end = text.indexOf('\n', scanned);
      while (end >= 0) {
        const state = fixedState(text, scanned, end) ?? rowState(text.slice(scanned, end));
        if (state !== undefined && state !== PROC_STATE_LISTEN) return text.slice(0, scanned);
        scanned = end + 1;
        end = text.indexOf('\n', scanned);
      }
    }
  } finally {
    closeSync(fd);
  }
}
