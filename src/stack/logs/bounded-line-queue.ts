import type { LogLine } from '../types.js';
import { createRing } from './ring.js';

/** Lines most slow readers may fall behind by before the oldest are dropped (5,000). */
export const DEFAULT_QUEUE_LINES = 5_000;

/** Options for {@link createBoundedLineQueue}. */
export interface BoundedLineQueueOptions {
  /** Lines held for the reader; past this the oldest are dropped. Default 5,000. */
  maxLines?: number;
}

/** What a reader takes: lines, oldest first, and how many were dropped just before them. */
export interface LineBatch<T = LogLine> {
  lines: T[];
  /**
   * Lines dropped since the last take because the reader fell behind. They are all older than
   * `lines`, so a reader prints "… N lines skipped" before the batch.
   */
  dropped: number;
}

/** A queue between the log hub and one slow reader; see {@link createBoundedLineQueue}. */
export interface BoundedLineQueue<T = LogLine> {
  /** Lines waiting now. */
  readonly size: number;
  /** Lines dropped since the last take. */
  readonly dropped: number;
  /** Queues a line; never blocks, never throws: when full, the oldest waiting line is dropped. */
  push(line: T): void;
  /** Takes up to `max` waiting lines (default all) and the count dropped before them. */
  take(max?: number): LineBatch<T>;
}

/**
 * A bounded queue for a reader slower than the stack (a control-socket client, a dashboard
 * tab): the hub's fan-out is synchronous and must not wait for anyone, so a reader that cannot
 * keep up loses its oldest unread lines and is told how many, rather than slowing the
 * services or growing the supervisor's memory without bound. Keeps the newest lines because
 * a follower wants to see what is happening now.
 */
export function createBoundedLineQueue<T = LogLine>(
  options: BoundedLineQueueOptions = {},
): BoundedLineQueue<T> {
  const ring = createRing<T>(options.maxLines ?? DEFAULT_QUEUE_LINES);
  let dropped = 0;
  return {
    get size() {
      return ring.size;
    },
    get dropped() {
      return dropped;
    },
    push(line) {
      if (ring.push(line)) dropped++;
    },
    take(max = Number.POSITIVE_INFINITY) {
      const count = Math.min(ring.size, max);
      const lines: T[] = [];
      for (let i = 0; i < count; i++) lines.push(ring.shift() as T);
      const batch = { lines, dropped };
      dropped = 0;
      return batch;
    },
  };
}
