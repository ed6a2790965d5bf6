import { isBrowserBlockedPort } from '../net/browser-blocked-ports.js';
import { ianaServiceName } from '../net/iana-services.js';
import { validatePort } from '../net/port-number.js';
import { type PortRangeClass, portRangeClass } from '../net/port-range-class.js';
import type { ListListenersOptions } from '../sockets/list-listeners.js';
import { type PortHolders, whoHolds } from '../sockets/who-holds.js';
import {
  canBindPrivileged,
  type EphemeralRange,
  readEphemeralRange,
  readUnprivilegedPortStart,
} from './kernel-port-settings.js';

/** Facts about one port number on this machine. */
export interface PortDescription {
  port: number;
  /** RFC 6335 class: well-known 0–1023, registered 1024–49151, dynamic 49152–65535. */
  rangeClass: PortRangeClass;
  /** IANA service name, when the bundled table has one. */
  service?: string;
  /** Whether the OS may hand this port to an outgoing connection (clashes with servers). */
  ephemeral: { inRange: boolean; range: EphemeralRange };
  /** Browsers refuse to fetch or navigate to this port (WHATWG "bad port", ERR_UNSAFE_PORT). */
  browserBlocked: boolean;
  /** Whether binding it needs privilege for this process here. */
  privileged: { required: boolean; unprivilegedPortStart: number; allowedHere: boolean };
  /** Current holders, as {@link whoHolds} reports them. */
  holders: PortHolders;
}

/** Options of {@link describePort}. */
export interface DescribePortOptions extends Omit<ListListenersOptions, 'port'> {
  /** The uid privilege is judged for. Default: this process's uid. */
  uid?: number;
}

/** Describes `port`: range class, IANA name, ephemeral, browser-blocked, privileged, holders. */
export async function describePort(
  port: number,
  options: DescribePortOptions = {},
): Promise<PortDescription> {
  validatePort(port);
  const procRoot = options.procRoot ?? '/proc';
  const platform = options.platform ?? process.platform;
  const range = readEphemeralRange(procRoot, platform);
  const unprivilegedPortStart = readUnprivilegedPortStart(procRoot, platform);
  const required = port < unprivilegedPortStart;
  const description: PortDescription = {
    port,
    rangeClass: portRangeClass(port),
    ephemeral: { inRange: port >= range.from && port <= range.to, range },
    browserBlocked: isBrowserBlockedPort(port),
    privileged: {
      required,
      unprivilegedPortStart,
      allowedHere: !required || canBindPrivileged(procRoot, options.uid ?? process.getuid?.()),
    },
    holders: await whoHolds(port, options),
  };
  const service = ianaServiceName(port);
  if (service !== undefined) description.service = service;
  return description;
}
