import { describe, expect, it } from 'vitest';
import {
  decideStartupReply,
  parseSslAnswer,
  type StartupContext,
} from '../../src/probes/protocols/postgres-reply.js';
import { PG18_REPLIES } from '../helpers/postgres-captured.js';

const hex = (text: string) => Buffer.from(text, 'hex');
const plain: StartupContext = { ssl: false, user: 'portier', database: 'postgres' };

/** An ErrorResponse with the fields given, as a server would send it. */
function errorResponse(fields: Record<string, string>): Buffer {
  const body = Buffer.from(
    `${Object.entries(fields)
      .map(([k, v]) => `${k}${v}\0`)
      .join('')}\0`,
  );
  const header = Buffer.alloc(5);
  header.write('E', 0, 'latin1');
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

describe('parseSslAnswer', () => {
  it.each([
    ['S', { kind: 'ssl' }],
    ['N', { kind: 'plain' }],
  ])('%s alone', (answer, expected) => {
    expect(parseSslAnswer(Buffer.from(answer), plain)).toEqual(expected);
  });

  it('takes an SSH banner, which also starts with S, for another service', () => {
    const answer = parseSslAnswer(Buffer.from('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'), plain);
    expect(answer).toMatchObject({
      kind: 'decided',
      result: { problem: 'wrong-service', details: { service: 'ssh' } },
    });
  });

  it('refuses bytes after N, as libpq does', () => {
    const answer = parseSslAnswer(Buffer.from('NOPE\r\n'), plain);
    expect(answer).toMatchObject({ kind: 'decided', result: { problem: 'wrong-service' } });
  });

  it('waits for the rest of an ErrorResponse, then judges it', () => {
    const bytes = hex(PG18_REPLIES.STANDBY);
    expect(parseSslAnswer(bytes.subarray(0, 10), plain)).toBeUndefined();
    expect(parseSslAnswer(bytes, plain)).toMatchObject({
      kind: 'decided',
      result: { problem: 'starting-up' },
    });
  });

  it('calls an HTTP reply another service', () => {
    const answer = parseSslAnswer(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), plain);
    expect(answer).toMatchObject({
      kind: 'decided',
      result: { problem: 'wrong-service', details: { service: 'http' } },
    });
  });
});

describe('decideStartupReply on replies captured from PostgreSQL 18.4', () => {
  it.each([
    ['READY', { ready: true }, { state: 'ready', auth: 'ok', serverVersion: '18.4' }, true],
    [
      'GHOST_ROLE',
      { ready: true },
      { state: 'auth-required', sqlState: '28000', message: 'role "ghost" does not exist' },
      false,
    ],
    [
      'NO_DATABASE',
      { ready: true },
      { state: 'up-with-error', sqlState: '3D000', message: 'database "nodb" does not exist' },
      false,
    ],
    ['CLEARTEXT', { ready: true }, { state: 'auth-required', auth: 'password' }, false],
    ['SCRAM', { ready: true }, { state: 'auth-required', auth: 'scram-sha-256' }, false],
    ['HBA_REJECT', { ready: true }, { state: 'auth-required', sqlState: '28000' }, false],
    [
      'STANDBY',
      { ready: false, problem: 'starting-up' },
      { state: 'starting-up', sqlState: '57P03', detail: 'Hot standby mode is disabled.' },
      false,
    ],
  ] as const)('%s', (name, result, details, terminate) => {
    const decision = decideStartupReply(hex(PG18_REPLIES[name]), plain);
    expect(decision?.result).toMatchObject({ ...result, details });
    expect(decision?.terminate).toBe(terminate);
  });

  it('waits while any prefix of the ready reply is incomplete (replies arrive split)', () => {
    const bytes = hex(PG18_REPLIES.READY);
    for (let end = 0; end < bytes.length; end++) {
      expect(
        decideStartupReply(bytes.subarray(0, end), plain),
        `prefix of ${end} bytes`,
      ).toBeUndefined();
    }
  });

  it('says the user, the database and TLS in the ready summary', () => {
    const decision = decideStartupReply(hex(PG18_REPLIES.READY), {
      ssl: true,
      user: 'app',
      database: 'shop',
    });
    expect(decision?.result.summary).toBe(
      'PostgreSQL 18.4 ready: user "app" connected to database "shop" over TLS',
    );
    expect(decision?.result.details).toMatchObject({ ssl: true, user: 'app', database: 'shop' });
  });
});

describe('decideStartupReply on errors', () => {
  it.each([
    [
      '57P03 starting up',
      { C: '57P03', M: 'the database system is starting up' },
      false,
      'starting-up',
      'starting-up',
    ],
    [
      '57P03 shutting down',
      { C: '57P03', M: 'the database system is shutting down' },
      false,
      'starting-up',
      'shutting-down',
    ],
    [
      '28P01 password failed',
      { C: '28P01', M: 'password authentication failed for user "app"' },
      true,
      undefined,
      'auth-required',
    ],
    [
      '53300 too many clients',
      { C: '53300', M: 'sorry, too many clients already' },
      false,
      'refused-by-service',
      'refused',
    ],
    [
      '57P01 admin shutdown',
      { C: '57P01', M: 'terminating connection due to administrator command' },
      false,
      'refused-by-service',
      'refused',
    ],
  ])('%s', (_name, fields, ready, problem, state) => {
    const decision = decideStartupReply(
      errorResponse({ S: 'FATAL', V: 'FATAL', ...fields }),
      plain,
    );
    expect(decision?.result.ready).toBe(ready);
    expect(decision?.result.problem).toBe(problem);
    expect(decision?.result.details).toMatchObject({
      state,
      sqlState: fields.C,
      message: fields.M,
    });
    expect(decision?.terminate).toBe(false);
  });

  it('reports 53300 after AuthenticationOk (reserved slots) with the auth seen', () => {
    const bytes = Buffer.concat([
      hex('520000000800000000'),
      errorResponse({ S: 'FATAL', C: '53300', M: 'remaining connection slots are reserved' }),
    ]);
    expect(decideStartupReply(bytes, plain)?.result).toMatchObject({
      ready: false,
      problem: 'refused-by-service',
      details: { auth: 'ok' },
    });
  });
});

describe('decideStartupReply on other messages', () => {
  it('reads on after NegotiateProtocolVersion to the auth request', () => {
    const negotiate = hex('760000000c0000000000000000');
    expect(decideStartupReply(negotiate, plain)).toBeUndefined();
    const bytes = Buffer.concat([negotiate, hex('520000000800000003')]);
    expect(decideStartupReply(bytes, plain)?.result).toMatchObject({
      ready: true,
      details: { auth: 'password' },
    });
  });

  it('reports md5 without ever answering it', () => {
    const decision = decideStartupReply(hex('520000000c00000005a1b2c3d4'), plain);
    expect(decision?.result).toMatchObject({
      ready: true,
      details: { state: 'auth-required', auth: 'md5' },
    });
  });

  it.each([
    ['ReadyForQuery first', '5a0000000549'],
    ['a MySQL greeting', '4a0000000a382e302e3432000d000000'],
  ])('calls %s another service', (_name, bytes) => {
    expect(decideStartupReply(hex(bytes), plain)?.result.problem).toBe('wrong-service');
  });

  it('calls a TLS alert a plaintext probe meeting a TLS server', () => {
    expect(decideStartupReply(hex('15030300020228'), plain)?.result.problem).toBe(
      'plaintext-expected',
    );
  });
});
