import { portInUse, privilegedPort, processExited, wrongPort } from './checks/bind-checks.js';
import {
  boundToOtherInterface,
  familyMismatch,
  nothingListening,
  otherNetns,
} from './checks/connection-checks.js';
import {
  firewallDrop,
  listenerSaturated,
  listenerStopped,
  portOpenButNotReady,
} from './checks/listener-checks.js';
import {
  addressNotAvailable,
  dnsFailure,
  hostsFile,
  ipv6Disabled,
  proxyEnv,
} from './checks/machine-checks.js';
import {
  hostHeaderRejected,
  httpErrorStatus,
  reachable,
  tlsMismatch,
  wrongService,
} from './checks/protocol-checks.js';
import type { Check } from './types.js';

/**
 * Every check, most specific cause first: among findings of equal severity, the earlier check
 * ranks higher (a process that exited explains "nothing listening" better than the bare fact).
 */
export const CHECKS: readonly Check[] = [
  processExited,
  privilegedPort,
  portInUse,
  wrongPort,
  dnsFailure,
  hostsFile,
  ipv6Disabled,
  addressNotAvailable,
  otherNetns,
  familyMismatch,
  boundToOtherInterface,
  listenerStopped,
  listenerSaturated,
  firewallDrop,
  tlsMismatch,
  hostHeaderRejected,
  wrongService,
  portOpenButNotReady,
  httpErrorStatus,
  nothingListening,
  proxyEnv,
  reachable,
];
