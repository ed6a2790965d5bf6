import { familyOfAddress, resolveAddress, splitHostPort } from './address-text.js';
import type { ProcessInfo, Protocol, SocketRow, SocketState } from './model.js';

/**
 * English state words of Windows netstat (MIB_TCP_STATE). Only used to name non-listening
 * states: other display languages translate them (HERGESTELLT, ÉTABLIE) and come out `unknown`.
 */
const ENGLISH_TCP_STATES = new Map<string, SocketState>([
  ['LISTENING', 'LISTEN'],
  ['SYN_SENT', 'SYN_SENT'],
  ['SYN_RECEIVED', 'SYN_RECV'],
  ['ESTABLISHED', 'ESTABLISHED'],
  ['FIN_WAIT_1', 'FIN_WAIT1'],
  ['FIN_WAIT_2', 'FIN_WAIT2'],
  ['CLOSE_WAIT', 'CLOSE_WAIT'],
  ['CLOSING', 'CLOSING'],
  ['LAST_ACK', 'LAST_ACK'],
  ['TIME_WAIT', 'TIME_WAIT'],
  ['CLOSED', 'CLOSE'],
]);

/** The foreign address Windows prints for a listening socket, IPv4 and IPv6. */
const LISTENER_FOREIGN = new Set(['0.0.0.0:0', '[::]:0']);
const DECIMAL = /^\d+$/;

function tcpState(foreign: string, words: string): SocketState {
  // The state word is localised (ABHÖREN, ÉCOUTE) and, read through the wrong code page,
  // mangled (ABH�REN); a listener is known by its shape instead.
  if (LISTENER_FOREIGN.has(foreign)) return 'LISTEN';
  return ENGLISH_TCP_STATES.get(words.toUpperCase()) ?? 'unknown';
}

function parseRow(tokens: string[]): SocketRow | undefined {
  const proto = tokens[0]?.toLowerCase();
  const pidText = tokens[tokens.length - 1] ?? '';
  // TCP: proto, local, foreign, state (one word in every language seen, joined in case
  // not), pid. UDP: proto, local, `*:*`, pid, with the state column left blank.
  const isTcp = proto === 'tcp' && tokens.length >= 5;
  const isUdp = proto === 'udp' && tokens.length === 4;
  if ((!isTcp && !isUdp) || !DECIMAL.test(pidText)) return undefined;
  const foreignText = tokens[2] ?? '';
  const local = splitHostPort(tokens[1] ?? '', ':');
  const remote = splitHostPort(foreignText, ':');
  if (!local || !remote || local.port === 0) return undefined;
  const family = familyOfAddress(local.address, 'ipv4');
  const pid = Number(pidText);
  return {
    protocol: proto as Protocol,
    family,
    address: resolveAddress(local.address, family),
    port: local.port,
    remoteAddress: resolveAddress(remote.address, family),
    remotePort: remote.port,
    state: isTcp ? tcpState(foreignText, tokens.slice(3, -1).join(' ')) : 'unconnected',
    // pid 0 (TIME_WAIT rows) is the idle process: the socket has no owner any more.
    pids: pid > 0 ? [pid] : [],
  };
}

/**
 * Parses Windows `netstat -ano` output in any display language. Rows are recognised by shape,
 * never by words: TCP rows have 5 columns (proto, local, foreign, state, pid) and are
 * listeners when the foreign address is `0.0.0.0:0` or `[::]:0`; other TCP states are named
 * only from the English words, else `unknown`. UDP rows have 4 columns (proto, local, `*:*`,
 * pid) and are `unconnected`. IPv6 is bracketed (`[::1]:8080`, `[fe80::1%4]:5353`).
 * Titles and headers in any language do not fit the shape and are skipped; pid 0 gives
 * `pids: []`. Never throws.
 */
export function parseNetstatWindows(text: string): SocketRow[] {
  const rows: SocketRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    const row = parseRow(line.trim().split(/\s+/));
    if (row) rows.push(row);
  }
  return rows;
}

/** Splits one CSV record (RFC 4180): quoted fields may hold commas and doubled quotes. */
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/**
 * Parses `tasklist /FO CSV /NH` (or with its header, in any language:
 * `"Abbildname","PID",…`) into image names by pid. Column 0 is the image name, column 1 the
 * pid; rows whose pid is not a number (the header) or that have fewer columns are skipped.
 * Memory like `"12,345 K"` or `"1.234 K"` is quoted, so its comma does not split a field.
 */
export function parseTasklistCsv(text: string): Map<number, ProcessInfo> {
  const processes = new Map<number, ProcessInfo>();
  // PowerShell redirection writes a byte-order mark; it must not stick to the first name.
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const [name, pidText] = parseCsvLine(line);
    if (name === undefined || pidText === undefined || !DECIMAL.test(pidText)) continue;
    const pid = Number(pidText);
    processes.set(pid, { pid, name });
  }
  return processes;
}
