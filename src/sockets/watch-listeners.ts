import { type ListListenersOptions, listListeners } from './list-listeners.js';
import type { Listener } from './model.js';

/** A listener that appeared or disappeared between two scans. */
export interface ListenerChange {
  type: 'added' | 'removed';
  listener: Listener;
}

/** Identity of a socket across scans: protocol, address, port and inode where known. */
export function listenerKey(l: Listener): string {
  return `${l.protocol} ${l.address} ${l.port} ${l.inode ?? l.processes.map((p) => p.pid).join(',')}`;
}

/** Changes from `before` to `after`; pure. Removals first, then additions, each in table order. */
export function diffListeners(
  before: readonly Listener[],
  after: readonly Listener[],
): ListenerChange[] {
  const beforeKeys = new Map(before.map((l) => [listenerKey(l), l]));
  const afterKeys = new Map(after.map((l) => [listenerKey(l), l]));
  const changes: ListenerChange[] = [];
  for (const [key, listener] of beforeKeys)
    if (!afterKeys.has(key)) changes.push({ type: 'removed', listener });
  for (const [key, listener] of afterKeys)
    if (!beforeKeys.has(key)) changes.push({ type: 'added', listener });
  return changes;
}

/** Options of {@link watchListeners}. */
export interface WatchListenersOptions extends ListListenersOptions {
  /** Time between scans, in ms. Default 500. */
  intervalMs?: number;
  /** Stops the watch. */
  signal?: AbortSignal;
}

/**
 * Scans repeatedly and calls `onChange` for every listener that appears or disappears. The
 * first scan reports every existing listener as `added`. Resolves when `signal` aborts.
 */
export async function watchListeners(
  options: WatchListenersOptions,
  onChange: (change: ListenerChange) => void,
): Promise<void> {
  const intervalMs = options.intervalMs ?? 500;
  let previous: Listener[] = [];
  while (!options.signal?.aborted) {
    const current = await listListeners(options);
    for (const change of diffListeners(previous, current)) onChange(change);
    previous = current;
    await new Promise<void>((resolve) => {
      // The abort listener is removed after every wait: one added per scan and never removed
      // piled up (MaxListenersExceededWarning after 11 scans of `portier ls --watch`).
      const done = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, intervalMs);
      options.signal?.addEventListener('abort', done, { once: true });
    });
  }
}
