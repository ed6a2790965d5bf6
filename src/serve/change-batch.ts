/** Timer functions, injectable so tests can drive time. */
export interface BatchTimers {
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

/** Collects changed paths and hands them over once they stop coming. */
export interface ChangeBatch {
  /** Adds a changed path and restarts the quiet period. */
  add(path: string): void;
  /** Drops pending paths without flushing them. */
  cancel(): void;
}

const realTimers: BatchTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * A trailing debounce over changed paths: `flush` gets each distinct path once, in first-seen
 * order, after `quietMs` milliseconds without a new one. Editors write a file in several steps
 * per save (truncate, write, chmod, rename), and a build tool writes many files at once: both
 * become one batch, so a page reloads once.
 */
export function createChangeBatch(
  quietMs: number,
  flush: (paths: string[]) => void,
  timers: BatchTimers = realTimers,
): ChangeBatch {
  let pending = new Set<string>();
  let timer: unknown;
  const fire = () => {
    timer = undefined;
    const paths = [...pending];
    pending = new Set();
    flush(paths);
  };
  return {
    add(path) {
      pending.add(path);
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = timers.setTimeout(fire, quietMs);
    },
    cancel() {
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      pending = new Set();
    },
  };
}
