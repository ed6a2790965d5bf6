import type { Duplex } from 'node:stream';

/**
 * How a stream ended: `end` (the peer closed: FIN) or `error` with its code (`ECONNRESET`
 * for a reset, `EPIPE` when the peer was already gone).
 */
export type StreamEnd = { how: 'end' } | { how: 'error'; code: string };

/** Why {@link ByteReader.wait} returned. */
export type WaitResult = 'matched' | 'ended' | 'timeout';

/** Collects what a stream receives so an exchange can wait on conditions over it. */
export interface ByteReader {
  /** Bytes received and not consumed, at most `maxBytes`. */
  readonly bytes: Buffer;
  /** Every byte ever received, consumed or not. */
  readonly received: number;
  /** Set once the stream ended or failed. */
  readonly ended: StreamEnd | undefined;
  /** Resolves once `check(bytes)` holds, the stream ends, or `deadline` (performance.now ms) passes. */
  wait(check: (bytes: Buffer) => boolean, deadline: number): Promise<WaitResult>;
  /** Drops the first `count` bytes (a response that was fully read). */
  consume(count: number): void;
}

/**
 * Starts reading `stream` and keeps up to `maxBytes` (default 96 KiB). It attaches an error
 * listener that stays for the life of the stream: a late reset after the exchange finished
 * must not become an uncaught exception.
 */
export function createByteReader(stream: Duplex, maxBytes = 98_304): ByteReader {
  let bytes = Buffer.alloc(0);
  let received = 0;
  let ended: StreamEnd | undefined;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };
  stream.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (bytes.length < maxBytes) bytes = Buffer.concat([bytes, chunk]).subarray(0, maxBytes);
    notify();
  });
  const finish = (end: StreamEnd) => {
    ended ??= end;
    notify();
  };
  stream.on('end', () => finish({ how: 'end' }));
  stream.on('error', (error: NodeJS.ErrnoException) =>
    finish({ how: 'error', code: error.code ?? 'EUNKNOWN' }),
  );
  stream.on('close', () => finish({ how: 'end' }));
  return {
    get bytes() {
      return bytes;
    },
    get received() {
      return received;
    },
    get ended() {
      return ended;
    },
    consume(count) {
      bytes = bytes.subarray(count);
    },
    wait(check, deadline) {
      return new Promise((resolve) => {
        const settle = (result: WaitResult) => {
          clearTimeout(timer);
          waiters.delete(poll);
          resolve(result);
        };
        const poll = () => {
          if (check(bytes)) settle('matched');
          else if (ended) settle('ended');
        };
        const timer = setTimeout(
          () => settle('timeout'),
          Math.max(0, deadline - performance.now()),
        );
        waiters.add(poll);
        poll();
      });
    },
  };
}

/**
 * How `stream` already ended when the exchange got it, or undefined while it is open: a reset
 * can arrive between the connect and the exchange, and a destroyed socket emits nothing more.
 */
export function endedBeforeExchange(stream: Duplex): StreamEnd | undefined {
  const code = (stream.errored as NodeJS.ErrnoException | null)?.code;
  if (code) return { how: 'error', code };
  return stream.destroyed || stream.readableEnded ? { how: 'end' } : undefined;
}
