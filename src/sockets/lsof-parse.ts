import { familyOfAddress, resolveAddress, splitHostPort } from './address-text.js';
import type { Family, ProcessInfo, Protocol, SocketRow, SocketState } from './model.js';
import { parseBsdTcpState } from './netstat-macos-parse.js';

/** What {@link parseLsofFields} reads: one row per (pid, fd), and the processes named. */
export interface LsofFields {
  /** One row per socket file of each process; a socket shared by a fork appears per pid. */
  rows: SocketRow[];
  /** Every process set in the output, keyed by pid, with `name`, `uid` and `user` if given. */
  processes: Map<number, ProcessInfo>;
}

/** The fields of one file set (`f` up to the next `f` or `p`). */
interface FileFields {
  type?: string;
  protocol?: string;
  name?: string;
  tcpState?: string;
}

const DECIMAL = /^\d+$/;

function familyOfType(type: string | undefined, address: string): Family {
  if (type === 'IPv4') return 'ipv4';
  if (type === 'IPv6') return 'ipv6';
  return familyOfAddress(address, 'ipv4');
}

function rowState(
  protocol: Protocol,
  tcpState: string | undefined,
  connected: boolean,
): SocketState {
  // Connected UDP is ESTABLISHED, as /proc/net/udp reports it on Linux.
  if (protocol === 'udp') return connected ? 'ESTABLISHED' : 'unconnected';
  return tcpState === undefined ? 'unknown' : parseBsdTcpState(tcpState);
}

function toRow(file: FileFields, owner: ProcessInfo): SocketRow | undefined {
  const protocol = file.protocol?.toLowerCase();
  if ((protocol !== 'tcp' && protocol !== 'udp') || file.name === undefined) return undefined;
  // A connected socket is named `local->remote`; a listener or bound UDP socket only `local`.
  const [localText = '', remoteText, ...extra] = file.name.split('->');
  const local = splitHostPort(localText, ':');
  const remote = remoteText === undefined ? undefined : splitHostPort(remoteText, ':');
  // `*:*` is an unbound socket: it holds no port, so there is nothing to report.
  if (!local || local.port === 0 || extra.length > 0) return undefined;
  if (remoteText !== undefined && !remote) return undefined;
  const family = familyOfType(file.type, local.address);
  const row: SocketRow = {
    protocol,
    family,
    address: resolveAddress(local.address, family),
    port: local.port,
    remoteAddress: resolveAddress(remote?.address ?? '*', family),
    remotePort: remote?.port ?? 0,
    state: rowState(protocol, file.tcpState, remote !== undefined),
    pids: [owner.pid],
  };
  if (owner.uid !== undefined) row.uid = owner.uid;
  return row;
}

function applyProcessField(owner: ProcessInfo, id: string, value: string): void {
  if (id === 'c') owner.name = value;
  else if (id === 'L') owner.user = value;
  else if (id === 'u' && DECIMAL.test(value)) {
    owner.uid = Number(value);
    // The model's `user` is the login name, or the uid as text when it has none.
    owner.user ??= value;
  }
}

function applyFileField(file: FileFields, id: string, value: string): void {
  if (id === 't') file.type = value;
  else if (id === 'P') file.protocol = value;
  else if (id === 'n') file.name = value;
  // T repeats: `TST=LISTEN`, `TQR=0`, `TQS=0`; only the state matters here.
  else if (id === 'T' && value.startsWith('ST=')) file.tcpState = value.slice(3);
}

/**
 * Parses `lsof -nP -iTCP -sTCP:LISTEN -iUDP -F pcuLftPnT` (macOS, also BSD and Linux lsof).
 * Each line is one field: a process set (`p` pid, `c` command name, `u` uid, `L` login)
 * followed by its files (`f` fd, `t` IPv4|IPv6, `P` TCP|UDP, `n` name, `T` TCP info).
 * Names read `127.0.0.1:57573`, `[::1]:8080`, `*:5432` (`*` is `0.0.0.0` or `::` by the `t`
 * field) or `local->remote` for a connection. TCP state comes from `TST=`; UDP is
 * `unconnected`, or `ESTABLISHED` when connected. Every row carries `pids: [pid]` and the
 * process's uid; rows are not merged across processes, a later step groups them.
 * Unknown fields, files before any process and malformed names are skipped, never thrown on.
 * Lines may end in LF, CRLF or NUL (`-F0`).
 */
export function parseLsofFields(text: string): LsofFields {
  const rows: SocketRow[] = [];
  const processes = new Map<number, ProcessInfo>();
  let owner: ProcessInfo | undefined;
  let file: FileFields | undefined;
  const flushFile = (): void => {
    const row = file && owner ? toRow(file, owner) : undefined;
    if (row) rows.push(row);
    file = undefined;
  };
  for (const line of text.split(/\r?\n|\0/)) {
    const id = line.charAt(0);
    const value = line.slice(1);
    if (id === 'p') {
      flushFile();
      owner = DECIMAL.test(value) ? { pid: Number(value) } : undefined;
      if (owner) processes.set(owner.pid, owner);
    } else if (id === 'f') {
      flushFile();
      file = {};
    } else if (file) {
      applyFileField(file, id, value);
    } else if (owner) {
      applyProcessField(owner, id, value);
    }
  }
  flushFile();
  return { rows, processes };
}
