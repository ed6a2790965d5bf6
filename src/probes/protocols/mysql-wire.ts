import type { ExchangeResult } from '../types.js';
import { wrongServiceResult } from './foreign-reply.js';

/**
 * MySQL client/server protocol, only the first packet the server sends on connect: the
 * Initial Handshake (protocol 10) or an ERR packet (MySQL "Connection Phase" docs).
 */

/** Largest first packet accepted, in bytes; greetings are under 100. */
export const MAX_MYSQL_FIRST_PACKET_BYTES = 16 * 1024;
/** Protocol version byte of the greeting since MySQL 3.21. */
export const MYSQL_PROTOCOL_VERSION = 10;
/** First payload byte of an ERR packet. */
const ERR_HEADER = 0xff;
/** Capability flags read from the greeting. */
const CLIENT_SSL = 0x800;
const CLIENT_SECURE_CONNECTION = 0x8000;
const CLIENT_PLUGIN_AUTH = 0x80000;

/** One packet: a 3-byte little-endian payload length, a sequence byte, the payload. */
export interface MysqlPacket {
  sequence: number;
  payload: Buffer;
  /** Bytes the packet takes, header included. */
  size: number;
}

/** Reads the packet at the start of `bytes`; `invalid` for a length of 0 or above the cap. */
export function parseMysqlPacket(bytes: Buffer): MysqlPacket | 'incomplete' | 'invalid' {
  if (bytes.length < 4) return 'incomplete';
  const length = bytes.readUIntLE(0, 3);
  if (length === 0 || length > MAX_MYSQL_FIRST_PACKET_BYTES) return 'invalid';
  if (bytes.length < 4 + length) return 'incomplete';
  return { sequence: bytes[3]!, payload: bytes.subarray(4, 4 + length), size: 4 + length };
}

/** What the greeting tells; the scramble (auth salt) is left out. */
export interface MysqlGreeting {
  protocolVersion: number;
  /** As the server sends it: `8.0.42`, `5.5.5-10.11.6-MariaDB-0+deb12u1`. */
  serverVersion: string;
  connectionId?: number;
  /** Default authentication plugin, such as `caching_sha2_password`. */
  authPlugin?: string;
  /** The server offers TLS (CLIENT_SSL). */
  ssl?: boolean;
}

/** Reads an Initial Handshake v10 payload; `undefined` when it is malformed. */
export function parseMysqlGreeting(payload: Buffer): MysqlGreeting | undefined {
  if (payload[0] !== MYSQL_PROTOCOL_VERSION) return undefined;
  const nul = payload.indexOf(0, 1);
  if (nul < 2 || nul > 100) return undefined;
  const serverVersion = payload.toString('latin1', 1, nul);
  if (!/^[\x20-\x7e]+$/.test(serverVersion)) return undefined;
  const greeting: MysqlGreeting = { protocolVersion: MYSQL_PROTOCOL_VERSION, serverVersion };
  let pos = nul + 1;
  if (payload.length < pos + 4 + 9 + 2) return greeting;
  greeting.connectionId = payload.readUInt32LE(pos);
  pos += 4 + 8 + 1; // connection id, scramble part 1, filler
  let capabilities = payload.readUInt16LE(pos);
  pos += 2;
  let scrambleLength = 0;
  if (payload.length >= pos + 16) {
    // character set (1), status flags (2), capability flags upper (2), scramble length (1), reserved (10)
    capabilities = (capabilities | (payload.readUInt16LE(pos + 3) << 16)) >>> 0;
    scrambleLength = payload[pos + 5]!;
    pos += 16;
  }
  greeting.ssl = (capabilities & CLIENT_SSL) !== 0;
  if (capabilities & CLIENT_SECURE_CONNECTION) pos += Math.max(13, scrambleLength - 8);
  if (capabilities & CLIENT_PLUGIN_AUTH && pos < payload.length) {
    const end = payload.indexOf(0, pos);
    greeting.authPlugin = payload.toString('latin1', pos, end < 0 ? payload.length : end);
  }
  return greeting;
}

/** What an ERR packet says. */
export interface MysqlError {
  /** 1130 (host not allowed), 1040 (too many connections), 1129 (host blocked)… */
  errorCode: number;
  /** Absent before the handshake: the server does not yet know the client speaks 4.1. */
  sqlState?: string;
  message: string;
}

/** Reads an ERR payload: 0xff, error code (2 bytes LE), optional `#` + SQLSTATE, message. */
export function parseMysqlError(payload: Buffer): MysqlError | undefined {
  if (payload[0] !== ERR_HEADER || payload.length < 3) return undefined;
  const errorCode = payload.readUInt16LE(1);
  if (payload[3] === 0x23 && payload.length >= 9) {
    return {
      errorCode,
      sqlState: payload.toString('latin1', 4, 9),
      message: payload.toString('utf8', 9),
    };
  }
  return { errorCode, message: payload.toString('utf8', 3) };
}

/** `MySQL 8.0.42`, or `MariaDB 10.11.6-MariaDB` without the `5.5.5-` replication prefix. */
export function formatMysqlServer(serverVersion: string): string {
  if (/mariadb/i.test(serverVersion)) return `MariaDB ${serverVersion.replace(/^5\.5\.5-/, '')}`;
  return `MySQL ${serverVersion}`;
}

function greetingResult(greeting: MysqlGreeting): ExchangeResult {
  const plugin = greeting.authPlugin ? `, ${greeting.authPlugin}` : '';
  return {
    ready: true,
    summary: `${formatMysqlServer(greeting.serverVersion)} greeted the probe (protocol ${greeting.protocolVersion}${plugin})`,
    details: { ...greeting },
  };
}

function errorResult(error: MysqlError): ExchangeResult {
  const state = error.sqlState ? ` (${error.sqlState})` : '';
  return {
    ready: false,
    problem: 'refused-by-service',
    summary: `MySQL refused the connection: ERROR ${error.errorCode}${state}: ${error.message}`,
    details: { ...error },
  };
}

/**
 * For {@link readReply}: judges the first packet from the bytes so far, or `undefined` to read
 * on. A sequence other than 0 or a first payload byte other than 0x0a/0xff is another protocol
 * at once, without waiting for a length that may be megabytes of someone else's text.
 */
export function takeMysqlGreeting(bytes: Buffer): ExchangeResult | undefined {
  const notMysql =
    (bytes.length >= 4 && bytes[3] !== 0) ||
    (bytes.length >= 5 && bytes[4] !== MYSQL_PROTOCOL_VERSION && bytes[4] !== ERR_HEADER);
  const packet = notMysql ? 'invalid' : parseMysqlPacket(bytes);
  if (packet === 'incomplete') return undefined;
  const parsed =
    packet === 'invalid'
      ? undefined
      : packet.payload[0] === ERR_HEADER
        ? parseMysqlError(packet.payload)
        : parseMysqlGreeting(packet.payload);
  if (!parsed) return wrongServiceResult('MySQL', bytes);
  return 'errorCode' in parsed ? errorResult(parsed) : greetingResult(parsed);
}
