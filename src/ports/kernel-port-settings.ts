import type { PortRange } from '../net/port-number.js';
import { readTextIfPresent } from '../state/read-optional.js';

/** Where a kernel setting came from: read live, or the platform's documented default. */
export type SettingSource = 'kernel' | 'default';

/** The OS range for outgoing (ephemeral) ports, with where it came from. */
export interface EphemeralRange extends PortRange {
  source: SettingSource;
}

/** IANA dynamic range, the default of macOS and Windows (RFC 6335). */
export const DEFAULT_EPHEMERAL_RANGE: PortRange = { from: 49152, to: 65535 };

/** Ports below this need privilege on Linux unless the sysctl lowers it. */
export const DEFAULT_UNPRIVILEGED_PORT_START = 1024;

/** Bit of CAP_NET_BIND_SERVICE in the CapEff mask of /proc/<pid>/status. */
const CAP_NET_BIND_SERVICE_BIT = 10n;

/** Parses `ip_local_port_range` ("32768\t60999"). */
export function parseLocalPortRange(text: string): PortRange | undefined {
  const match = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (!match) return undefined;
  return { from: Number(match[1]), to: Number(match[2]) };
}

/** The ephemeral port range: live from /proc on Linux, else the platform default. */
export function readEphemeralRange(
  procRoot = '/proc',
  platform: NodeJS.Platform = process.platform,
): EphemeralRange {
  if (platform === 'linux') {
    const text = readTextIfPresent(`${procRoot}/sys/net/ipv4/ip_local_port_range`);
    const range = text === undefined ? undefined : parseLocalPortRange(text);
    if (range) return { ...range, source: 'kernel' };
  }
  return { ...DEFAULT_EPHEMERAL_RANGE, source: 'default' };
}

/** First port an unprivileged process may bind (Linux sysctl; 1024 elsewhere, 0 on macOS ≥ 10.14). */
export function readUnprivilegedPortStart(
  procRoot = '/proc',
  platform: NodeJS.Platform = process.platform,
): number {
  if (platform === 'darwin' || platform === 'win32') return 0;
  const text = readTextIfPresent(`${procRoot}/sys/net/ipv4/ip_unprivileged_port_start`);
  const value = text === undefined ? Number.NaN : Number(text.trim());
  return Number.isInteger(value) ? value : DEFAULT_UNPRIVILEGED_PORT_START;
}

/** True when the status text's effective capabilities include CAP_NET_BIND_SERVICE. */
export function hasBindCapability(statusText: string): boolean {
  const match = /^CapEff:\s*([0-9a-f]+)$/m.exec(statusText);
  if (!match) return false;
  return ((BigInt(`0x${match[1]}`) >> CAP_NET_BIND_SERVICE_BIT) & 1n) === 1n;
}

/** Whether this process may bind privileged ports: root, or CAP_NET_BIND_SERVICE (Linux). */
export function canBindPrivileged(
  procRoot = '/proc',
  uid: number | undefined = process.getuid?.(),
): boolean {
  if (uid === 0) return true;
  const status = readTextIfPresent(`${procRoot}/self/status`);
  return status !== undefined && hasBindCapability(status);
}
