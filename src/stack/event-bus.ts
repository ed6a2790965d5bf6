/** Synchronous fan-out to subscribers; one that throws does not stop the others. */
export interface EventBus<T> {
  emit(event: T): void;
  /** Calls `listener` with each later event until the returned function is called. */
  subscribe(listener: (event: T) => void): () => void;
}

/** Creates an {@link EventBus}. */
export function createEventBus<T>(): EventBus<T> {
  const listeners = new Set<(event: T) => void>();
  return {
    emit(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // A subscriber's bug must not stop the supervisor or the other subscribers.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
