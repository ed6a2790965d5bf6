import {
  canBindPrivileged,
  readEphemeralRange,
  readUnprivilegedPortStart,
} from '../ports/kernel-port-settings.js';
import { type HostLookup, systemLookup } from '../probes/resolve-host.js';
import { readTextIfPresent } from '../state/read-optional.js';
import type { MachineFacts } from './types.js';

/** Where machine facts come from; tests point these elsewhere. */
export interface MachineFactsOptions {
  /** Variables to judge (proxy settings). The library never reads `process.env` itself. Default `{}`. */
  env?: Readonly<Record<string, string | undefined>>;
  procRoot?: string;
  /** Default `/etc/hosts`. */
  hostsPath?: string;
  lookup?: HostLookup;
  uid?: number;
  platform?: NodeJS.Platform;
  /** Resolve `localhost` (needed for localhost targets and the self-test). Default true. */
  resolveLocalhost?: boolean;
}

/** IPv6 on loopback: the sysctl and whether `lo` carries ::1 (/proc/net/if_inet6). */
function readIpv6(procRoot: string): MachineFacts['ipv6'] {
  const disabled = readTextIfPresent(`${procRoot}/sys/net/ipv6/conf/lo/disable_ipv6`)?.trim();
  const inet6 = readTextIfPresent(`${procRoot}/net/if_inet6`);
  const loopbackHasV6 = inet6 !== undefined && /^0{31}1 \S+ \S+ \S+ \S+\s+lo$/m.test(inet6);
  if (inet6 === undefined)
    return {
      enabled: false,
      loopbackHasV6: false,
      evidence: `${procRoot}/net/if_inet6 is missing: IPv6 is not available in this kernel or namespace`,
    };
  if (disabled === '1')
    return { enabled: false, loopbackHasV6, evidence: 'net.ipv6.conf.lo.disable_ipv6 = 1' };
  return {
    enabled: loopbackHasV6,
    loopbackHasV6,
    evidence: loopbackHasV6 ? '::1 is configured on lo' : '::1 is not configured on lo',
  };
}

/** Gathers the machine facts every diagnosis may need. Reads files; never throws. */
export async function gatherMachineFacts(options: MachineFactsOptions = {}): Promise<MachineFacts> {
  const procRoot = options.procRoot ?? '/proc';
  const platform = options.platform ?? process.platform;
  const hostsPath = options.hostsPath ?? '/etc/hosts';
  let localhost: MachineFacts['localhost'] = { addresses: [] };
  if (options.resolveLocalhost !== false)
    try {
      localhost = {
        addresses: (await (options.lookup ?? systemLookup)('localhost')).map((a) => a.address),
      };
    } catch (error) {
      localhost = { addresses: [], error: (error as NodeJS.ErrnoException).code ?? String(error) };
    }
  const ephemeral = readEphemeralRange(procRoot, platform);
  const uid = options.uid ?? process.getuid?.();
  const facts: MachineFacts = {
    uid,
    env: options.env ?? {},
    hostsPath,
    localhost,
    ipv6:
      platform === 'linux'
        ? readIpv6(procRoot)
        : { enabled: true, loopbackHasV6: true, evidence: 'not checked on this platform' },
    ephemeral: { from: ephemeral.from, to: ephemeral.to },
    unprivilegedPortStart: readUnprivilegedPortStart(procRoot, platform),
    canBindPrivileged: canBindPrivileged(procRoot, uid),
  };
  const hostsText = readTextIfPresent(hostsPath);
  if (hostsText !== undefined) facts.hostsText = hostsText;
  return facts;
}
