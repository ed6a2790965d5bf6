import type { Duplex } from 'node:stream';

/**
 * What reading one reply came to:
 * - `value`: `take` recognised a whole reply (or decided the bytes are not the protocol)
 * - `timeout`: the time ran out first; `bytes` is what had arrived
 * - `closed`: the peer closed the connection first
 * - `reset`: the connection broke (ECONNRESET, or another socket error named by `errno`)
 */
export type ReadResult<T> =
  | { kind: 'value'; value: T }
  | { kind: 'timeout'; bytes: Buffer }
  | { kind: 'closed'; bytes: Buffer }
  | { kind: 'reset'; bytes: Buffer; errno: string };

/**
 * Looks at every byte received so far and returns a value once it has seen enough, or
 * `undefined` to wait for more: replies may arrive split across TCP segments.
 */
export type TakeReply<T> = (bytes: Buffer) => T | undefined;

const ignore = () => {};
const guarded = new WeakSet<Duplex>();

/**
 * Keeps late socket errors (an RST after the exchange decided) from becoming uncaught
 * exceptions; the caller destroys the socket afterwards.
 */
export function ignoreLateErrors(stream: Duplex): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', ignore);
}

function brokenResult<T>(error: NodeJS.ErrnoException | null | undefined, bytes: Buffer) {
  // EPIPE: we wrote after the peer had closed, which is a close, not a reset.
  if (!error || error.code === 'EPIPE') return { kind: 'closed', bytes } as ReadResult<T>;
  return { kind: 'reset', bytes, errno: error.code ?? error.message } as ReadResult<T>;
}

/**
 * Reads from `stream` until `take` returns a value, the peer closes or resets the connection,
 * or `timeoutMs` passes. Never rejects. The stream is paused again afterwards so that nothing
 * is lost before the next read (or before a TLS upgrade takes the socket over). `received`
 * carries bytes an earlier read left unfinished.
 */
export function readReply<T>(
  stream: Duplex,
  take: TakeReply<T>,
  timeoutMs: number,
  received: Buffer = Buffer.alloc(0),
): Promise<ReadResult<T>> {
  return new Promise((resolve) => {
    let bytes = received;
    let done = false;
    const finish = (result: ReadResult<T>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onError);
      stream.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      const value = take(bytes);
      if (value !== undefined) finish({ kind: 'value', value });
    };
    const onEnd = () => finish(brokenResult(stream.errored as NodeJS.ErrnoException, bytes));
    const onError = (error: NodeJS.ErrnoException) => finish(brokenResult(error, bytes));
    const timer = setTimeout(() => finish({ kind: 'timeout', bytes }), Math.max(1, timeoutMs));
    ignoreLateErrors(stream);
    if (stream.destroyed || stream.readableEnded) {
      onEnd();
      return;
    }
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
    stream.on('error', onError);
    stream.resume();
  });
}

/** Writes and waits until the bytes were handed to the kernel, at most `timeoutMs`. */
export function writeAndFlush(stream: Duplex, bytes: Buffer, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    const timer = setTimeout(resolve, Math.max(1, timeoutMs));
    stream.write(bytes, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
