import { isLoopbackAddress } from '../net/exposure.js';
import { parseTarget, type Target } from '../net/target.js';
import { probeBind } from '../ports/bind-probe.js';
import { type ProbeOptions, probe } from './probe.js';
import {
  type HostLookup,
  type ResolvedAddress,
  resolveHost,
  systemLookup,
} from './resolve-host.js';
import type { ProbeResult } from './types.js';

/** Overall deadline of a wait, in ms. */
export const DEFAULT_WAIT_TIMEOUT_MS = 30_000;
/** Longest single attempt, in ms; a hung connect must not eat the whole deadline. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 2_000;
/** First pause between attempts, in ms. */
const FIRST_INTERVAL_MS = 2;
/** Longest pause while the answer is a cheap, instant refusal on loopback, in ms. */
const REFUSED_INTERVAL_CAP_MS = 10;
/** Longest pause otherwise (timeouts, not-ready services, other hosts), in ms. */
const SLOW_INTERVAL_CAP_MS = 1_000;
/** How long a host name resolution is reused during a wait, in ms. */
const RESOLVE_TTL_MS = 1_000;

/** Options of {@link waitFor}; all optional. */
export interface WaitOptions extends Omit<ProbeOptions, 'timeoutMs'> {
  /** Give up after this long, in ms. Default {@link DEFAULT_WAIT_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Budget of each attempt, in ms. Default {@link DEFAULT_ATTEMPT_TIMEOUT_MS}. */
  attemptTimeoutMs?: number;
  /** Longest pause between attempts, in ms. Default 1000. */
  maxIntervalMs?: number;
  /** Wait until the port is free instead of ready. */
  free?: boolean;
  signal?: AbortSignal;
  /** Called after every attempt. */
  onAttempt?: (state: WaitTargetState) => void;
}

/** Where one target stands. */
export interface WaitTargetState {
  target: Target;
  /** Reached the wanted state (ready, or free with `free`). */
  done: boolean;
  attempts: number;
  /** ms from the start of the wait to success. */
  doneAfterMs?: number;
  /** The last probe (absent with `free`). */
  last?: ProbeResult;
  /** With `free`: who still answered or held the port on the last check. */
  heldOn?: string[];
}

/** What {@link waitFor} found. */
export interface WaitResult {
  ok: boolean;
  /** True when the wait ended because `signal` aborted. */
  aborted: boolean;
  elapsedMs: number;
  targets: WaitTargetState[];
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** A lookup that reuses its answer for {@link RESOLVE_TTL_MS}: waits probe many times a second. */
function cachedLookup(lookup: HostLookup): HostLookup {
  const cache = new Map<string, { at: number; addresses: ResolvedAddress[] }>();
  return async (host) => {
    const hit = cache.get(host);
    if (hit && performance.now() - hit.at < RESOLVE_TTL_MS) return hit.addresses;
    const addresses = await lookup(host);
    cache.set(host, { at: performance.now(), addresses });
    return addresses;
  };
}

/** The next pause: doubles from a few ms, capped low while refusals are instant and local. */
export function nextInterval(
  previousMs: number,
  result: ProbeResult | undefined,
  maxIntervalMs: number,
): number {
  const cheap =
    result !== undefined &&
    result.attempts.length > 0 &&
    result.attempts.every((a) => a.outcome === 'refused' && isLoopbackAddress(a.address));
  const cap = Math.min(maxIntervalMs, cheap ? REFUSED_INTERVAL_CAP_MS : SLOW_INTERVAL_CAP_MS);
  return Math.min(cap, Math.max(FIRST_INTERVAL_MS, previousMs * 2));
}

/** Addresses of `target` where the port is still in use; empty when free everywhere. */
async function heldAddresses(
  target: Target,
  lookup: HostLookup,
  options: WaitOptions,
): Promise<string[]> {
  const held: string[] = [];
  for (const { address, family } of await resolveHost(target.host, lookup)) {
    // Binding is authoritative on loopback (it also sees stopped or saturated listeners).
    if (isLoopbackAddress(address)) {
      const outcome = await probeBind(address, target.port);
      if (outcome === 'in-use') held.push(address);
      continue;
    }
    const result = await probe(
      { ...target, kind: 'tcp', host: address },
      { ...options, timeoutMs: 500, lookup },
    );
    if (result.status !== 'down' || result.attempts.some((a) => a.outcome === 'timeout'))
      held.push(`${address} (${family})`);
  }
  return held;
}

async function waitOne(
  state: WaitTargetState,
  deadline: number,
  started: number,
  options: WaitOptions,
  lookup: HostLookup,
): Promise<void> {
  let interval = 0;
  while (!options.signal?.aborted) {
    const left = deadline - performance.now();
    if (left <= 0) return;
    state.attempts++;
    if (options.free) {
      state.heldOn = await heldAddresses(state.target, lookup, options);
      state.done = state.heldOn.length === 0;
    } else {
      state.last = await probe(state.target, {
        ...options,
        lookup,
        timeoutMs: Math.min(options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS, left),
      });
      state.done = state.last.ok;
    }
    options.onAttempt?.(state);
    if (state.done) {
      state.doneAfterMs = Math.round((performance.now() - started) * 100) / 100;
      return;
    }
    interval = nextInterval(interval, state.last, options.maxIntervalMs ?? SLOW_INTERVAL_CAP_MS);
    await sleep(Math.min(interval, Math.max(0, deadline - performance.now())), options.signal);
  }
}

/**
 * Waits until every target is ready (protocol-aware), or free with `free: true`. One attempt
 * in flight per target; pauses grow from a few ms (capped at 10 ms while a loopback port
 * refuses instantly, at 1 s otherwise). Resolves with each target's state; never rejects for
 * a network outcome. Every socket and timer is released before it resolves.
 */
export async function waitFor(
  targets: readonly (Target | string)[],
  options: WaitOptions = {},
): Promise<WaitResult> {
  const started = performance.now();
  const deadline = started + (options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS);
  const lookup = cachedLookup(options.lookup ?? systemLookup);
  const states: WaitTargetState[] = targets.map((t) => ({
    target: typeof t === 'string' ? parseTarget(t) : t,
    done: false,
    attempts: 0,
  }));
  await Promise.all(states.map((state) => waitOne(state, deadline, started, options, lookup)));
  return {
    ok: states.every((s) => s.done),
    aborted: options.signal?.aborted === true,
    elapsedMs: Math.round((performance.now() - started) * 100) / 100,
    targets: states,
  };
}
