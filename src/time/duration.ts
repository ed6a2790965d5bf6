import { PortierError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Reads a duration: `4500` (ms), `500ms`, `5s`, `1.5s`, `2m`, `1h`. Throws `INVALID_OPTION`
 * naming the accepted forms for anything else, including negatives.
 */
export function parseDuration(text: string, what = 'duration'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) {
    throw new PortierError(
      'INVALID_OPTION',
      `Invalid ${what} "${text}": expected a number of ms or a value with a unit, like 4500, 500ms, 5s or 2m.`,
    );
  }
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!);
}

/** Short human text for a duration in ms: `850 ms`, `4.5 s`, `2 m 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(1))} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  return seconds ? `${minutes} m ${seconds} s` : `${minutes} m`;
}
