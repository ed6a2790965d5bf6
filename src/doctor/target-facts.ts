import { parseTarget, type Target } from '../net/target.js';
import { type ProbeOptions, probe } from '../probes/probe.js';
import type { ProbeResult } from '../probes/types.js';
import { readProcStat } from '../sockets/linux-process.js';
import { readSocketTable } from '../sockets/linux-table.js';
import { whoHolds } from '../sockets/who-holds.js';
import { gatherMachineFacts, type MachineFactsOptions } from './machine-facts.js';
import { findListenersInOtherNamespaces } from './netns-scan.js';
import type { MachineFacts, TargetFacts, WatchedProcess } from './types.js';

/** Options of the doctor; all optional. */
export interface DiagnoseOptions extends MachineFactsOptions, Omit<ProbeOptions, 'allAddresses'> {
  /** A process expected to listen on the target (from `--pid` or `-- cmd`). */
  watched?: WatchedProcess;
  /** Reuse machine facts already gathered (a wait diagnosing several targets). */
  machine?: MachineFacts;
}

/** The same target with the other TLS choice, when the answer hints at a mismatch. */
function alternateKind(target: Target, result: ProbeResult): Target | undefined {
  const broke = result.attempts.some(
    (a) => a.outcome === 'closed-before-data' || a.outcome === 'reset-after-connect',
  );
  if (target.kind === 'http' && (result.problem === 'plaintext-expected' || broke))
    return { ...target, kind: 'https' };
  // A plaintext server may also just close on a ClientHello it cannot parse: re-probe then too.
  if (
    (target.kind === 'https' || target.kind === 'tls') &&
    (result.problem === 'tls-expected' || result.problem === 'tls-error' || broke)
  )
    return { ...target, kind: 'http' };
  return undefined;
}

function countSockets(procRoot: string): TargetFacts['socketCounts'] {
  const rows = readSocketTable({ procRoot, protocols: ['tcp'], states: { tcp: ['01', '06'] } });
  return {
    timeWait: rows.filter((r) => r.state === 'TIME_WAIT').length,
    established: rows.filter((r) => r.state === 'ESTABLISHED').length,
  };
}

/** Gathers everything the checks need about one target: probe, socket table, processes, machine. */
export async function gatherTargetFacts(
  targetInput: Target | string,
  options: DiagnoseOptions = {},
): Promise<TargetFacts> {
  const target = typeof targetInput === 'string' ? parseTarget(targetInput) : targetInput;
  const procRoot = options.procRoot ?? '/proc';
  const linux = (options.platform ?? process.platform) === 'linux';
  const [result, machine] = await Promise.all([
    probe(target, { ...options, allAddresses: true }),
    options.machine ??
      gatherMachineFacts({ ...options, resolveLocalhost: target.host === 'localhost' }),
  ]);
  const holders = await whoHolds(target.port, {
    procRoot,
    platform: options.platform,
    passwdPath: undefined,
  });
  const processStates: Record<number, string> = {};
  if (linux) {
    for (const p of holders.listeners.flatMap((l) => l.processes)) {
      const state = readProcStat(p.pid, procRoot)?.state;
      if (state) processStates[p.pid] = state;
    }
  }
  const noListener = !holders.listeners.some((l) => l.protocol === 'tcp');
  const facts: TargetFacts = {
    target,
    probe: result,
    holders,
    processStates,
    otherNamespaces:
      linux && noListener && result.status === 'down'
        ? findListenersInOtherNamespaces(target.port, procRoot)
        : [],
    machine,
  };
  const alternate = alternateKind(target, result);
  if (alternate)
    facts.alternateProbe = await probe(alternate, {
      ...options,
      timeoutMs: Math.min(options.timeoutMs ?? 2_000, 2_000),
    });
  if (linux && result.attempts.some((a) => a.outcome === 'addrnotavail'))
    facts.socketCounts = countSockets(procRoot);
  if (options.watched) facts.watched = options.watched;
  return facts;
}
