import { formatExposure } from '../../net/exposure.js';
import type { Listener, ProcessInfo } from '../../sockets/model.js';

/** `127.0.0.1:57573`, `[::1]:8080`. */
export function formatAddressPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Owner text of a hidden socket: `owner not visible (uid 65534 nobody)`. */
export function hiddenOwnerText(listener: Listener): string {
  const who =
    listener.uid === undefined
      ? 'unknown user'
      : `uid ${listener.uid}${listener.user && listener.user !== String(listener.uid) ? ` ${listener.user}` : ''}`;
  return `owner not visible (${who})`;
}

/** `node (pid 812)` or `node (pids 812, 813)` for processes sharing a socket. */
export function formatProcesses(processes: readonly ProcessInfo[]): string {
  if (processes.length === 0) return '';
  const names = [...new Set(processes.map((p) => p.name ?? '?'))].join(', ');
  const pids = processes.map((p) => p.pid).join(', ');
  return `${names} (pid${processes.length > 1 ? 's' : ''} ${pids})`;
}

/** Table cells for one listener: proto, address, port, exposure, pids, user, process, cwd, command. */
export function listenerCells(l: Listener): string[] {
  const first = l.processes[0];
  const exposure = formatExposure(l.exposure, l.address);
  if (l.ownerHidden) {
    return [
      l.protocol + (l.family === 'ipv6' ? '6' : ''),
      l.address,
      String(l.port),
      exposure,
      '-',
      l.user ?? '',
      hiddenOwnerText(l),
      '',
      '',
    ];
  }
  return [
    l.protocol + (l.family === 'ipv6' ? '6' : ''),
    l.address,
    String(l.port),
    exposure,
    l.processes.map((p) => p.pid).join(','),
    first?.user ?? l.user ?? '',
    [...new Set(l.processes.map((p) => p.name ?? '?'))].join(','),
    first?.cwd ?? '',
    first?.command ?? '',
  ];
}
