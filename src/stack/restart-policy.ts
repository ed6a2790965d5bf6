import type { RestartSettings } from './config/types.js';
import type { ProcessExit } from './process/process-group.js';

/** What to do after a service's process ended on its own. */
export type RestartDecision =
  /** Start it again after `delayMs`. */
  | { action: 'restart'; delayMs: number; attempt: number }
  /** Leave it in `state`, with `reason`. */
  | { action: 'stay'; state: 'completed' | 'exited' | 'crashed'; reason: string };

/** What {@link decideRestart} needs to know. */
export interface RestartInput {
  settings: RestartSettings;
  exit: ProcessExit;
  /** How long the run that just ended lasted, ms. */
  runMs: number;
  /** Restarts in a row so far whose runs were shorter than `stableAfterMs`. */
  quickRestarts: number;
  /** Uniform in [0, 1); default Math.random. */
  random?: () => number;
}

/** Share of the back-off that is random: 0.2 → ±20 %, so crashed replicas do not restart in step. */
const JITTER = 0.2;

/** `exit code 3` or `signal SIGSEGV`. */
export function describeExit(exit: ProcessExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

/** Back-off before restart number `attempt` (1-based): doubling from the initial, capped. */
export function backoffMs(
  settings: RestartSettings,
  attempt: number,
  random = Math.random,
): number {
  const base = Math.min(settings.backoffMaxMs, settings.backoffInitialMs * 2 ** (attempt - 1));
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

/**
 * Applies the restart policy. A run that lasted `stableAfterMs` resets the count, so a server
 * that crashes once a day restarts forever, while one that dies at every start is `crashed`
 * after `maxRestarts` tries instead of looping.
 */
export function decideRestart(input: RestartInput): RestartDecision {
  const { settings, exit } = input;
  const failed = exit.signal !== null || exit.code !== 0;
  const wanted = settings.policy === 'always' || (settings.policy === 'on-failure' && failed);
  if (!wanted) {
    return failed
      ? { action: 'stay', state: 'exited', reason: `exited with ${describeExit(exit)}` }
      : { action: 'stay', state: 'completed', reason: 'exited with code 0' };
  }
  const quick = input.runMs < settings.stableAfterMs ? input.quickRestarts + 1 : 1;
  if (input.runMs < settings.stableAfterMs && input.quickRestarts >= settings.maxRestarts) {
    return {
      action: 'stay',
      state: 'crashed',
      reason: `exited ${input.quickRestarts + 1} times in a row within ${settings.stableAfterMs / 1000} s of starting (last: ${describeExit(exit)})`,
    };
  }
  return { action: 'restart', delayMs: backoffMs(settings, quick, input.random), attempt: quick };
}
