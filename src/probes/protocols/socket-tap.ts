import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { StreamEnd } from './byte-reader.js';

/** A pass-through over a raw socket that remembers what the TLS layer cannot tell us. */
export interface SocketTap {
  /** Hand this to `tls.connect({ socket })` instead of the raw socket. */
  stream: Duplex;
  /** The first bytes the server sent, before any decryption (up to 64). */
  readonly firstBytes: Buffer;
  /** How the raw connection ended: a FIN and a RST both reach TLS as ECONNRESET. */
  readonly rawEnd: StreamEnd | undefined;
}

const FIRST_BYTES = 64;

/**
 * Wraps `raw` in a Duplex that forwards every byte both ways. Given a `net.Socket`, TLS reads
 * the handle directly and hides the plaintext "HTTP/1.1 400" or "SSH-2.0" a non-TLS server
 * answered with, and reports a clean close as ECONNRESET; through the tap we see both.
 */
export function tapSocket(raw: Socket): SocketTap {
  let firstBytes = Buffer.alloc(0);
  let rawEnd: StreamEnd | undefined;
  const stream = new Duplex({
    read() {
      raw.resume();
    },
    write(chunk, encoding, callback) {
      raw.write(chunk, encoding, callback);
    },
    final(callback) {
      raw.end();
      callback();
    },
    destroy(error, callback) {
      raw.destroy();
      callback(error);
    },
  });
  raw.on('data', (chunk: Buffer) => {
    if (firstBytes.length < FIRST_BYTES) {
      firstBytes = Buffer.concat([firstBytes, chunk]).subarray(0, FIRST_BYTES);
    }
    if (!stream.push(chunk)) raw.pause();
  });
  raw.on('end', () => {
    rawEnd ??= { how: 'end' };
    stream.push(null);
  });
  raw.on('error', (error: NodeJS.ErrnoException) => {
    rawEnd ??= { how: 'error', code: error.code ?? 'EUNKNOWN' };
    stream.destroy(error);
  });
  // A close after 'end' must not destroy the tap: TLS may still be reading what it got.
  raw.on('close', () => {
    if (rawEnd) return;
    rawEnd = { how: 'end' };
    stream.destroy();
  });
  return {
    stream,
    get firstBytes() {
      return firstBytes;
    },
    get rawEnd() {
      return rawEnd;
    },
  };
}
