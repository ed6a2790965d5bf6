import type { Duplex } from 'node:stream';

/**
 * Ends a stream's writable side and destroys it once what it holds is flushed: how both ends
 * of a byte tunnel are closed when the other side ends, without cutting bytes still queued.
 */
export function endSoon(stream: Duplex): void {
  if (stream.destroyed) return;
  if (stream.writableFinished) return void stream.destroy();
  stream.once('finish', () => stream.destroy());
  stream.end();
}
