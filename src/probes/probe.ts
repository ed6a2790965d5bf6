import { formatHostPort, parseTarget, type Target } from '../net/target.js';
import { type Connector, connectAttempt } from './connect.js';
import { loadProtocol } from './protocols.js';
import { type HostLookup, type ResolvedAddress, resolveHost } from './resolve-host.js';
import type {
  Attempt,
  ExchangeOptions,
  ExchangeResult,
  ProbeResult,
  ProtocolProbe,
} from './types.js';

/** The seed's timeout: "Unable to connect to host 127.0.0.1 on port 57573 after 4500 ms". */
export const DEFAULT_PROBE_TIMEOUT_MS = 4_500;

/** Options of {@link probe}; all optional. */
export interface ProbeOptions extends Partial<Omit<ExchangeOptions, 'timeoutMs'>> {
  /** Budget for the whole probe (resolution, every attempt, the exchange), in ms. Default 4500. */
  timeoutMs?: number;
  /** Attempt every resolved address even after one connected (the doctor wants all evidence). */
  allAddresses?: boolean;
  lookup?: HostLookup;
  connector?: Connector;
}

const now = () => performance.now();

function resultOf(
  target: Target,
  started: number,
  attempts: Attempt[],
  addresses: ResolvedAddress[],
  partial: Omit<ProbeResult, 'target' | 'attempts' | 'addresses' | 'elapsedMs' | 'ok'>,
): ProbeResult {
  return {
    target,
    ...partial,
    ok: partial.status === 'ready',
    attempts,
    addresses: addresses.map((a) => a.address),
    elapsedMs: Math.round((now() - started) * 100) / 100,
  };
}

async function exchangeOn(
  protocol: ProtocolProbe,
  result: {
    attempt: Attempt;
    socket: NonNullable<Awaited<ReturnType<typeof connectAttempt>>['socket']>;
  },
  target: Target,
  options: ProbeOptions,
  deadline: number,
): Promise<ExchangeResult> {
  const exchange = await protocol.exchange(result.socket, target, {
    ...options,
    timeoutMs: Math.max(1, deadline - now()),
  });
  result.socket.destroy();
  if (exchange.outcome) result.attempt.outcome = exchange.outcome;
  return exchange;
}

/** Connects to each address not yet tried, for evidence only, and closes at once. */
async function attemptRest(
  rest: ResolvedAddress[],
  port: number,
  deadline: number,
  options: ProbeOptions,
): Promise<Attempt[]> {
  const results = await Promise.all(
    rest.map((a) =>
      connectAttempt(a.address, a.family, port, Math.max(1, deadline - now()), options.connector),
    ),
  );
  for (const r of results) r.socket?.destroy();
  return results.map((r) => r.attempt);
}

/**
 * Probes one target: resolves its host, connects to each address in order (each with a fair
 * share of the time left) and, on the first that connects, runs the protocol exchange. Every
 * attempt is recorded per address with its outcome and time. Never rejects for a network
 * outcome; only a malformed target string throws (`INVALID_TARGET`).
 */
export async function probe(
  targetInput: Target | string,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const target = typeof targetInput === 'string' ? parseTarget(targetInput) : targetInput;
  const started = now();
  const deadline = started + (options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolveHost(target.host, options.lookup);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return resultOf(target, started, [], [], {
      status: 'down',
      summary: `Could not resolve ${target.host}: ${code}`,
      details: { dnsError: code },
    });
  }
  // Loaded before connecting so no await sits between the connect and the exchange.
  const protocol = await loadProtocol(target.kind);
  const attempts: Attempt[] = [];
  for (let i = 0; i < addresses.length; i++) {
    const { address, family } = addresses[i]!;
    const share = (deadline - now()) / (addresses.length - i);
    const connected = await connectAttempt(address, family, target.port, share, options.connector);
    attempts.push(connected.attempt);
    if (!connected.socket) continue;
    const exchange = await exchangeOn(
      protocol,
      { attempt: connected.attempt, socket: connected.socket },
      target,
      options,
      deadline,
    );
    if (options.allAddresses)
      attempts.push(...(await attemptRest(addresses.slice(i + 1), target.port, deadline, options)));
    const partial: Omit<ProbeResult, 'target' | 'attempts' | 'addresses' | 'elapsedMs' | 'ok'> = {
      status: exchange.ready ? 'ready' : 'not-ready',
      summary: exchange.summary,
      address,
    };
    if (exchange.problem) partial.problem = exchange.problem;
    if (exchange.details) partial.details = exchange.details;
    return resultOf(target, started, attempts, addresses, partial);
  }
  const outcomes = [...new Set(attempts.map((a) => `${a.outcome} on ${a.address}`))].join(', ');
  return resultOf(target, started, attempts, addresses, {
    status: 'down',
    summary: `Unable to connect to ${formatHostPort(target.host, target.port)} after ${Math.round(now() - started)} ms (${outcomes || 'no address'})`,
  });
}
