import { describe, expect, it } from 'vitest';
import {
  formatMysqlServer,
  parseMysqlError,
  parseMysqlGreeting,
  parseMysqlPacket,
  takeMysqlGreeting,
} from '../../src/probes/protocols/mysql-wire.js';

const hex = (text: string) => Buffer.from(text, 'hex');

/** A MySQL 8.0.42 greeting as the server sends it (the scramble is random per connection). */
const MYSQL_8_GREETING =
  '4a0000000a382e302e3432000d0000002f6a1c5e3b7d0a4400ffffff0200ffdf1500000000000000000000' +
  '61225a6b0c3e19274f5870210063616368696e675f736861325f70617373776f726400';

/** A MariaDB 10.11 greeting: the `5.5.5-` version prefix, mysql_native_password, no TLS. */
function mariadbGreeting(): Buffer {
  const payload = Buffer.concat([
    Buffer.from([10]),
    Buffer.from('5.5.5-10.11.6-MariaDB-0+deb12u1\0'),
    hex('1f000000'), // connection id 31
    hex('3a2b4c5d6e7f1021'), // scramble part 1
    hex('00'),
    hex('fef7'), // capabilities lower: no CLIENT_SSL (0x0800)
    hex('2d0200ff81'), // charset 45, status 2, capabilities upper 0x81ff
    hex('15'),
    hex('000000000000001d0000'), // reserved (MariaDB puts its own flags here)
    hex('41424344454647484950515200'),
    Buffer.from('mysql_native_password\0'),
  ]);
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  return Buffer.concat([header, payload]);
}

describe('parseMysqlPacket', () => {
  it.each([
    ['', 'incomplete'],
    ['4a0000', 'incomplete'],
    ['4a0000000a38', 'incomplete'],
    ['00000000', 'invalid'],
    ['ffffff00', 'invalid'],
  ])('%j → %s', (bytes, expected) => {
    expect(parseMysqlPacket(hex(bytes))).toBe(expected);
  });

  it('reads the greeting packet', () => {
    const packet = parseMysqlPacket(hex(MYSQL_8_GREETING));
    expect(packet).toMatchObject({ sequence: 0, size: 78 });
  });
});

describe('parseMysqlGreeting', () => {
  it('reads a MySQL 8.0 greeting', () => {
    const packet = parseMysqlPacket(hex(MYSQL_8_GREETING));
    if (typeof packet === 'string') throw new Error(packet);
    expect(parseMysqlGreeting(packet.payload)).toEqual({
      protocolVersion: 10,
      serverVersion: '8.0.42',
      connectionId: 13,
      authPlugin: 'caching_sha2_password',
      ssl: true,
    });
  });

  it('reads a MariaDB greeting', () => {
    const packet = parseMysqlPacket(mariadbGreeting());
    if (typeof packet === 'string') throw new Error(packet);
    expect(parseMysqlGreeting(packet.payload)).toEqual({
      protocolVersion: 10,
      serverVersion: '5.5.5-10.11.6-MariaDB-0+deb12u1',
      connectionId: 31,
      authPlugin: 'mysql_native_password',
      ssl: false,
    });
  });

  it('reads a greeting cut after the version (pre-4.1 layout)', () => {
    expect(parseMysqlGreeting(Buffer.from('\x0a5.0.96\0', 'latin1'))).toEqual({
      protocolVersion: 10,
      serverVersion: '5.0.96',
    });
  });

  it.each([
    ['protocol 9', '\x095.0\0'],
    ['no NUL after the version', '\x0a8.0.42'],
    ['an empty version', '\x0a\0'],
    ['control bytes in the version', '\x0a8\x01\0'],
  ])('refuses %s', (_name, payload) => {
    expect(parseMysqlGreeting(Buffer.from(payload, 'latin1'))).toBeUndefined();
  });
});

describe('parseMysqlError', () => {
  it('reads an ERR before the handshake, without SQLSTATE', () => {
    const payload = Buffer.concat([
      hex('ff6a04'),
      Buffer.from("Host '127.0.0.1' is not allowed to connect to this MySQL server"),
    ]);
    expect(parseMysqlError(payload)).toEqual({
      errorCode: 1130,
      message: "Host '127.0.0.1' is not allowed to connect to this MySQL server",
    });
  });

  it('reads an ERR with # and SQLSTATE', () => {
    const payload = Buffer.concat([
      hex('ff1504'),
      Buffer.from("#28000Access denied for user 'probe'@'localhost'"),
    ]);
    expect(parseMysqlError(payload)).toEqual({
      errorCode: 1045,
      sqlState: '28000',
      message: "Access denied for user 'probe'@'localhost'",
    });
  });
});

describe('formatMysqlServer', () => {
  it.each([
    ['8.0.42', 'MySQL 8.0.42'],
    ['5.5.5-10.11.6-MariaDB-0+deb12u1', 'MariaDB 10.11.6-MariaDB-0+deb12u1'],
    ['11.4.2-MariaDB', 'MariaDB 11.4.2-MariaDB'],
  ])('%s → %s', (version, text) => {
    expect(formatMysqlServer(version)).toBe(text);
  });
});

describe('takeMysqlGreeting', () => {
  it('waits while any prefix of the greeting is incomplete (packets arrive split)', () => {
    const bytes = hex(MYSQL_8_GREETING);
    for (let end = 0; end < bytes.length; end++) {
      expect(takeMysqlGreeting(bytes.subarray(0, end)), `prefix of ${end} bytes`).toBeUndefined();
    }
    expect(takeMysqlGreeting(bytes)).toMatchObject({
      ready: true,
      summary: 'MySQL 8.0.42 greeted the probe (protocol 10, caching_sha2_password)',
      details: { serverVersion: '8.0.42', protocolVersion: 10 },
    });
  });

  it('reports ERR 1040 as refused', () => {
    expect(
      takeMysqlGreeting(hex('17000000ff1004546f6f206d616e7920636f6e6e656374696f6e73')),
    ).toEqual({
      ready: false,
      problem: 'refused-by-service',
      summary: 'MySQL refused the connection: ERROR 1040: Too many connections',
      details: { errorCode: 1040, message: 'Too many connections' },
    });
  });

  it.each([
    ['an HTTP status line', Buffer.from('HTTP/1.1 400 Bad Request\r\n'), 'http'],
    ['an SSH banner', Buffer.from('SSH-2.0-OpenSSH_9.2p1\r\n'), 'ssh'],
    ['a RESP error', Buffer.from("-ERR unknown command 'PORTIER'\r\n"), 'redis'],
    ['a packet that is neither greeting nor ERR', hex('0500000000010203'), 'unknown'],
  ])('calls %s another service at once', (_name, bytes, service) => {
    expect(takeMysqlGreeting(bytes)).toMatchObject({
      problem: 'wrong-service',
      details: { service, expected: 'MySQL' },
    });
  });
});
