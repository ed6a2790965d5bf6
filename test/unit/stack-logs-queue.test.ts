import { describe, expect, it } from 'vitest';
import { createBoundedLineQueue } from '../../src/stack/logs/bounded-line-queue.js';
import { createRing } from '../../src/stack/logs/ring.js';

describe('ring', () => {
  it.each([
    { capacity: 3, pushed: [1, 2], last: [1, 2], evictions: 0 },
    { capacity: 3, pushed: [1, 2, 3], last: [1, 2, 3], evictions: 0 },
    { capacity: 3, pushed: [1, 2, 3, 4, 5], last: [3, 4, 5], evictions: 2 },
    { capacity: 3, pushed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], last: [8, 9, 10], evictions: 7 },
    { capacity: 1, pushed: [1, 2], last: [2], evictions: 1 },
    { capacity: 0, pushed: [1, 2], last: [], evictions: 2 },
  ])('capacity $capacity after $pushed', ({ capacity, pushed, last, evictions }) => {
    const ring = createRing<number>(capacity);
    let evicted = 0;
    for (const item of pushed) if (ring.push(item)) evicted++;
    expect(ring.last(Number.POSITIVE_INFINITY)).toEqual(last);
    expect(ring.size).toBe(last.length);
    expect(evicted).toBe(evictions);
  });

  it('returns the newest n, oldest first, across the wrap-around', () => {
    const ring = createRing<number>(4);
    for (let i = 1; i <= 6; i++) ring.push(i);
    expect(ring.last(2)).toEqual([5, 6]);
    expect(ring.last(0)).toEqual([]);
    expect(ring.last(-1)).toEqual([]);
  });

  it('shifts the oldest and reuses the space', () => {
    const ring = createRing<string>(3);
    ring.push('a');
    ring.push('b');
    expect(ring.shift()).toBe('a');
    ring.push('c');
    ring.push('d');
    expect(ring.push('e')).toBe(true);
    expect(ring.last(3)).toEqual(['c', 'd', 'e']);
    expect([ring.shift(), ring.shift(), ring.shift(), ring.shift()]).toEqual([
      'c',
      'd',
      'e',
      undefined,
    ]);
    ring.push('f');
    expect(ring.last(5)).toEqual(['f']);
  });

  it('refuses a capacity that is not a whole number', () => {
    expect(() => createRing(-1)).toThrow(RangeError);
    expect(() => createRing(1.5)).toThrow(RangeError);
    expect(() => createRing(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('bounded line queue', () => {
  it('keeps the newest lines and counts the dropped ones for the next take', () => {
    const queue = createBoundedLineQueue<number>({ maxLines: 3 });
    for (let i = 1; i <= 10; i++) queue.push(i);
    expect(queue.size).toBe(3);
    expect(queue.dropped).toBe(7);
    expect(queue.take()).toEqual({ lines: [8, 9, 10], dropped: 7 });
    // Counted once: the next take reports only what was dropped since.
    expect(queue.take()).toEqual({ lines: [], dropped: 0 });
  });

  it('takes at most max lines; the drop count goes with the first batch', () => {
    const queue = createBoundedLineQueue<string>({ maxLines: 4 });
    for (const line of ['a', 'b', 'c', 'd', 'e']) queue.push(line);
    expect(queue.take(2)).toEqual({ lines: ['b', 'c'], dropped: 1 });
    queue.push('f');
    expect(queue.take(2)).toEqual({ lines: ['d', 'e'], dropped: 0 });
    for (const line of ['g', 'h', 'i', 'j']) queue.push(line);
    // f was the oldest waiting: dropped, and older than every line returned.
    expect(queue.take()).toEqual({ lines: ['g', 'h', 'i', 'j'], dropped: 1 });
  });

  it('drops nothing while the reader keeps up', () => {
    const queue = createBoundedLineQueue<number>({ maxLines: 2 });
    const seen: number[] = [];
    for (let i = 0; i < 100; i++) {
      queue.push(i);
      const batch = queue.take();
      expect(batch.dropped).toBe(0);
      seen.push(...batch.lines);
    }
    expect(seen).toEqual([...Array(100).keys()]);
  });

  it('holds 5,000 lines by default', () => {
    const queue = createBoundedLineQueue<number>();
    for (let i = 0; i < 6_000; i++) queue.push(i);
    expect(queue.size).toBe(5_000);
    expect(queue.take().dropped).toBe(1_000);
  });
});
