/** Hands each value to every listener; see {@link createFanOut}. */
export interface FanOut<T> {
  /** Calls `listener` with every value until the returned function is called. */
  subscribe(listener: (value: T) => void): () => void;
  /** Calls every listener subscribed now with `value`, synchronously, in subscription order. */
  emit(value: T): void;
}

/**
 * Synchronous fan-out where one listener cannot hurt the others: a listener that throws is
 * reported to `onError` and the value still reaches the rest (a broken dashboard socket must
 * not cost the terminal or the log file their lines). The listener list is copied on write,
 * so a listener may unsubscribe itself or another while a value is being handed out; that
 * value still reaches everyone who was subscribed when it started.
 */
export function createFanOut<T>(onError?: (error: unknown, value: T) => void): FanOut<T> {
  let listeners: readonly ((value: T) => void)[] = [];
  return {
    subscribe(listener) {
      listeners = [...listeners, listener];
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
    emit(value) {
      for (const listener of listeners) {
        try {
          listener(value);
        } catch (error) {
          onError?.(error, value);
        }
      }
    },
  };
}
