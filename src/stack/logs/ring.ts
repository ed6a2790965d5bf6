/**
 * A fixed-capacity first-in first-out buffer that drops its oldest item when full: the
 * in-memory log of a service and the queue of a slow reader both keep the newest lines in
 * constant memory, without shifting an array on every line.
 */
export interface Ring<T> {
  /** Items held now. */
  readonly size: number;
  /** Most items held; pushing beyond drops the oldest. */
  readonly capacity: number;
  /** Adds an item at the new end; true when the oldest one was dropped to make room. */
  push(item: T): boolean;
  /** Removes and returns the oldest item. */
  shift(): T | undefined;
  /** The newest `n` items (all when `n` is larger), oldest first. */
  last(n: number): T[];
  /** Drops every item. */
  clear(): void;
}

/** A {@link Ring} holding at most `capacity` items (a non-negative integer; 0 keeps none). */
export function createRing<T>(capacity: number): Ring<T> {
  if (!Number.isInteger(capacity) || capacity < 0) {
    throw new RangeError(`ring capacity must be a non-negative integer, got ${capacity}`);
  }
  // Grown on demand up to capacity, so a service that prints three lines costs three slots.
  const items: (T | undefined)[] = [];
  let head = 0;
  let size = 0;
  return {
    get size() {
      return size;
    },
    capacity,
    push(item) {
      if (capacity === 0) return true;
      if (size < capacity) {
        const at = (head + size) % capacity;
        if (at === items.length) items.push(item);
        else items[at] = item;
        size++;
        return false;
      }
      items[head] = item;
      head = (head + 1) % capacity;
      return true;
    },
    shift() {
      if (size === 0) return undefined;
      const item = items[head];
      items[head] = undefined;
      head = (head + 1) % capacity;
      size--;
      return item;
    },
    last(n) {
      const count = Math.max(0, Math.min(size, Math.floor(n)));
      const out = new Array<T>(count);
      for (let i = 0; i < count; i++) out[i] = items[(head + size - count + i) % capacity] as T;
      return out;
    },
    clear() {
      items.length = 0;
      head = 0;
      size = 0;
    },
  };
}
