import type { ProcessInfo } from '../sockets/model.js';
import { forwarderReason } from './forwarders.js';
import { ancestorsOf, descendantsOf, type ParentMap } from './process-tree.js';

/** Why a process is part of a kill: it holds the socket, or descends from one that does. */
export type KillRole = 'holder' | 'descendant';

/** One process `kill` will signal. */
export interface KillTarget extends ProcessInfo {
  role: KillRole;
}

/** One process `kill` will not signal, and why. */
export interface KillRefusal {
  pid: number;
  name?: string;
  reason: string;
}

/** What to signal, decided before anything is sent. */
export interface KillPlan {
  targets: KillTarget[];
  refusals: KillRefusal[];
}

/** Inputs of {@link planKill}: plain values, no I/O. */
export interface KillPlanInput {
  holders: readonly ProcessInfo[];
  parents: ParentMap;
  selfPid: number;
  /** Include descendants of the holders. Default `true`. */
  tree?: boolean;
  describe?: (pid: number) => ProcessInfo;
}

function refusalReason(
  info: ProcessInfo,
  selfPid: number,
  ancestors: ReadonlySet<number>,
): string | undefined {
  if (info.pid <= 1)
    return `pid ${info.pid} is the system's init/scheduler; signalling it would bring the machine down`;
  if (info.pid === selfPid) return 'it is this portier process itself';
  if (ancestors.has(info.pid))
    return 'it is an ancestor of this portier process (the shell or tool that ran it)';
  const forwarder = forwarderReason(info);
  if (forwarder) return `it is a port forwarder: ${forwarder}`;
  return undefined;
}

/**
 * Decides which processes to signal for a port: every holder and (by default) its process
 * tree. pid 0/1, portier itself, its ancestors and port forwarders are refused with a reason.
 */
export function planKill(input: KillPlanInput): KillPlan {
  const ancestors = new Set(ancestorsOf(input.selfPid, input.parents));
  const targets: KillTarget[] = [];
  const refusals: KillRefusal[] = [];
  const seen = new Set<number>();
  const consider = (info: ProcessInfo, role: KillRole) => {
    if (seen.has(info.pid)) return;
    seen.add(info.pid);
    const reason = refusalReason(info, input.selfPid, ancestors);
    if (reason) refusals.push({ pid: info.pid, ...(info.name ? { name: info.name } : {}), reason });
    else targets.push({ ...info, role });
  };
  // Outermost holders first: a pre-fork master stops its workers itself when signalled first.
  const depth = (pid: number) => ancestorsOf(pid, input.parents).length;
  const holders = [...input.holders].sort((a, b) => depth(a.pid) - depth(b.pid));
  for (const holder of holders) consider(holder, 'holder');
  if (input.tree !== false) {
    const roots = targets.map((t) => t.pid);
    for (const pid of descendantsOf(roots, input.parents)) {
      consider(input.describe?.(pid) ?? { pid }, 'descendant');
    }
  }
  return { targets, refusals };
}
