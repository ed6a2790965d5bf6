/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long, in ms. Default 10 000. */
  timeoutMs?: number;
  /** Time between tries, in ms. Default 25. */
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  what?: string;
}

/**
 * Calls `probe` until it returns something other than `undefined` and resolves with that value.
 * A bounded poll, not a sleep for ordering: it fails with `what` once `timeoutMs` has passed.
 */
export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  options: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${options.what ?? 'a condition'}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}
