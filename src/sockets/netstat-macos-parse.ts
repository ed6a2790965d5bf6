import { familyOfAddress, resolveAddress, splitHostPort } from './address-text.js';
import type { Family, Protocol, SocketRow, SocketState } from './model.js';

/**
 * TCP state names of BSD `tcpstates[]` (netinet/tcp_fsm.h) as netstat and lsof print them on
 * macOS, mapped to the Linux names portier reports. XNU spells SYN_RECEIVED, FreeBSD SYN_RCVD.
 */
const BSD_TCP_STATES = new Map<string, SocketState>([
  ['CLOSED', 'CLOSE'],
  ['LISTEN', 'LISTEN'],
  ['SYN_SENT', 'SYN_SENT'],
  ['SYN_RCVD', 'SYN_RECV'],
  ['SYN_RECEIVED', 'SYN_RECV'],
  ['ESTABLISHED', 'ESTABLISHED'],
  ['CLOSE_WAIT', 'CLOSE_WAIT'],
  ['FIN_WAIT_1', 'FIN_WAIT1'],
  ['CLOSING', 'CLOSING'],
  ['LAST_ACK', 'LAST_ACK'],
  ['FIN_WAIT_2', 'FIN_WAIT2'],
  ['TIME_WAIT', 'TIME_WAIT'],
]);

/**
 * Maps a BSD TCP state word (`LISTEN`, `FIN_WAIT_1`, `SYN_RCVD`) to a {@link SocketState};
 * `unknown` for anything else, including the bare number netstat prints for an out-of-range
 * state. A trailing `*` (BSD's T/TCP "hidden state" marker) is ignored.
 */
export function parseBsdTcpState(word: string): SocketState {
  return BSD_TCP_STATES.get(word.replace(/\*$/, '').toUpperCase()) ?? 'unknown';
}

/** Where the columns are, read from the `Proto Recv-Q …` header line. */
interface NetstatLayout {
  /** Whether the header has a `(state)` column: UDP rows leave it blank, one token short. */
  hasStateColumn: boolean;
  /** Token index of `pid` (macOS 12–15) or `process:pid` (macOS 26) in a TCP row. */
  pidColumn: number | undefined;
}

const PROTO = /^(tcp|udp)(46|4|6)?$/;
const WHITESPACE_RUN = /\S+/g;
const BARE_PID = /^(\d+)(?:\s|$)/;
// Greedy: macOS 26 prints `%16s:%-6d`, and a process name may hold spaces or colons
// (`Code Helper (Plu:84517`); the columns after it are hex, so the last `:digits` is the pid.
const NAMED_PID = /^.*:(\d+)(?:\s|$)/;

function readLayout(header: string): NetstatLayout {
  const names = header
    .replace(/Local\s+Address/i, 'Local-Address')
    .replace(/Foreign\s+Address/i, 'Foreign-Address')
    .trim()
    .split(/\s+/);
  const stateAt = names.findIndex((name) => name.toLowerCase() === '(state)');
  const pidAt = names.findIndex((name) => name === 'pid' || name === 'process:pid');
  return { hasStateColumn: stateAt >= 0, pidColumn: pidAt >= 0 ? pidAt : undefined };
}

/** The pid written at the start of `rest`: `812 0 00100…` or `Brave Browser He:7187 00102…`. */
function readPid(rest: string): number | undefined {
  const match = BARE_PID.exec(rest) ?? NAMED_PID.exec(rest);
  return match ? Number(match[1]) : undefined;
}

function rowFamily(address: string, version: string): Family {
  // `46` is a dual-stack socket; a wildcard one accepts IPv6 and IPv4-mapped peers.
  return familyOfAddress(address, version === '4' ? 'ipv4' : 'ipv6');
}

function parseRow(line: string, layout: NetstatLayout | undefined): SocketRow | undefined {
  const tokens = [...line.matchAll(WHITESPACE_RUN)];
  const proto = PROTO.exec(tokens[0]?.[0] ?? '');
  const localText = tokens[3]?.[0];
  const remoteText = tokens[4]?.[0];
  if (!proto || localText === undefined || remoteText === undefined) return undefined;
  const local = splitHostPort(localText, '.');
  const remote = splitHostPort(remoteText, '.');
  // Port 0 is a socket that holds no port yet (`*.*`): nothing to report.
  if (!local || !remote || local.port === 0) return undefined;
  const protocol = proto[1] as Protocol;
  const family = rowFamily(local.address, proto[2] ?? '');
  let state: SocketState;
  if (protocol === 'tcp') state = parseBsdTcpState(tokens[5]?.[0] ?? '');
  else state = remote.address === '*' ? 'unconnected' : 'ESTABLISHED';
  const row: SocketRow = {
    protocol,
    family,
    address: resolveAddress(local.address, family),
    port: local.port,
    remoteAddress: resolveAddress(remote.address, family),
    remotePort: remote.port,
    state,
  };
  if (layout?.pidColumn !== undefined) {
    // UDP rows print the (state) column as blanks, so every later column is one token earlier.
    const shift = protocol === 'udp' && layout.hasStateColumn ? 1 : 0;
    const pidToken = tokens[layout.pidColumn - shift];
    const pid = pidToken?.index === undefined ? undefined : readPid(line.slice(pidToken.index));
    // pid 0 is the kernel (or no last user): no process to report, but the table did say so.
    if (pid !== undefined) row.pids = pid > 0 ? [pid] : [];
  }
  return row;
}

/**
 * Parses macOS `netstat -anv -p tcp` and `netstat -anv -p udp` output (either or both, one
 * after the other). Columns after Foreign Address are found by header name, so it reads
 * macOS 12–14 (`rhiwat shiwat pid epid …`), 15 (`rxbytes txbytes` added) and 26
 * (`process:pid`, e.g. `node:1234`); without `-v` or a header, rows carry no `pids`.
 * `tcp46`/`udp46` rows are dual-stack: family `ipv6`, `*` read as `::`.
 * Lines that are not socket rows (titles, headers, "Some tcp sockets may have been created")
 * are skipped, never thrown on.
 *
 * Without `-l`, netstat cuts IPv6 hosts to 16 characters (`2a02:8071:5b8c:1.50611`); such an
 * address is kept as printed, so run netstat with `-l` when exact IPv6 addresses matter.
 */
export function parseNetstatMacos(text: string): SocketRow[] {
  const rows: SocketRow[] = [];
  let layout: NetstatLayout | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*Proto\s/.test(line)) {
      layout = readLayout(line);
      continue;
    }
    const row = parseRow(line, layout);
    if (row) rows.push(row);
  }
  return rows;
}
