import { describe, expect, it } from 'vitest';
import {
  buildSslRequest,
  buildStartupMessage,
  buildTerminate,
  parseAuthRequest,
  parseBackendMessage,
  parseErrorFields,
  parseParameterStatus,
} from '../../src/probes/protocols/postgres-wire.js';
import { PG18_REPLIES } from '../helpers/postgres-captured.js';

const hex = (text: string) => Buffer.from(text, 'hex');

describe('PostgreSQL frontend messages', () => {
  it('builds the SSLRequest: length 8, code 1234.5679', () => {
    expect(buildSslRequest().toString('hex')).toBe('0000000804d2162f');
  });

  it('builds a StartupMessage for protocol 3.0 with NUL-terminated pairs', () => {
    const message = buildStartupMessage({ user: 'app', database: 'shop' });
    const body = 'user\0app\0database\0shop\0\0';
    expect(message.readInt32BE(0)).toBe(8 + body.length);
    expect(message.readInt32BE(4)).toBe(196_608);
    expect(message.subarray(8).toString('latin1')).toBe(body);
  });

  it('leaves parameters with empty values out, as libpq does', () => {
    const message = buildStartupMessage({ user: 'app', database: '' });
    expect(message.subarray(8).toString('latin1')).toBe('user\0app\0\0');
  });

  it('counts the StartupMessage length in bytes, not characters', () => {
    const message = buildStartupMessage({ user: 'jürgen' });
    expect(message.readInt32BE(0)).toBe(message.length);
  });

  it('builds Terminate', () => {
    expect(buildTerminate().toString('hex')).toBe('5800000004');
  });
});

describe('parseBackendMessage', () => {
  it.each([
    ['nothing yet', '', 'incomplete'],
    ['a type byte only', '52', 'incomplete'],
    ['half the length', '520000', 'incomplete'],
    ['length without body', '5200000008', 'incomplete'],
    ['a type that is no letter', '0000000804', 'invalid'],
    ['a length below 4', '5200000003', 'invalid'],
    ['HTTP text read as a length', Buffer.from('HTTP/1.1 400').toString('hex'), 'invalid'],
  ])('%s → %s', (_name, bytes, expected) => {
    expect(parseBackendMessage(hex(bytes))).toBe(expected);
  });

  it('reads AuthenticationOk and then the next message at its offset', () => {
    const bytes = hex(PG18_REPLIES.GHOST_ROLE);
    const first = parseBackendMessage(bytes);
    expect(first).toMatchObject({ type: 'R', size: 9 });
    const second = parseBackendMessage(bytes, 9);
    expect(second).toMatchObject({ type: 'E', size: bytes.length - 9 });
  });
});

describe('parseErrorFields', () => {
  it('reads the 57P03 of a standby with hot_standby=off (captured, PostgreSQL 18.4)', () => {
    const message = parseBackendMessage(hex(PG18_REPLIES.STANDBY));
    if (typeof message === 'string') throw new Error(message);
    expect(parseErrorFields(message.body)).toEqual({
      severity: 'FATAL',
      code: '57P03',
      message: 'the database system is not accepting connections',
      detail: 'Hot standby mode is disabled.',
    });
  });

  it('prefers the unlocalised severity V over a translated S', () => {
    const body = Buffer.from('SSCHWERWIEGEND\0VFATAL\0C28P01\0Mfalsch\0\0', 'utf8');
    expect(parseErrorFields(body)).toMatchObject({ severity: 'FATAL', code: '28P01' });
  });

  it('stops at a field without its NUL', () => {
    expect(parseErrorFields(Buffer.from('C57P03\0Mthe data', 'latin1'))).toEqual({ code: '57P03' });
  });
});

describe('parseAuthRequest', () => {
  it.each([
    ['00000000', 'ok'],
    ['00000003', 'password'],
    ['0000000501020304', 'md5'],
    ['00000007', 'gss'],
    ['00000009', 'sspi'],
    ['00000002', 'kerberos'],
    ['00000063', 'code-99'],
  ])('subtype %s → %s', (body, auth) => {
    expect(parseAuthRequest(hex(body)).auth).toBe(auth);
  });

  it('reads the SASL mechanisms offered over TLS (captured, PostgreSQL 18.4)', () => {
    const message = parseBackendMessage(hex(PG18_REPLIES.SCRAM));
    if (typeof message === 'string') throw new Error(message);
    expect(parseAuthRequest(message.body)).toEqual({
      code: 10,
      auth: 'scram-sha-256',
      mechanisms: ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256'],
    });
  });

  it('names other SASL mechanisms sasl', () => {
    const body = Buffer.concat([hex('0000000a'), Buffer.from('OAUTHBEARER\0\0')]);
    expect(parseAuthRequest(body).auth).toBe('sasl');
  });
});

describe('parseParameterStatus', () => {
  it('reads a name and a value', () => {
    expect(parseParameterStatus(Buffer.from('server_version\x0018.4\0'))).toEqual({
      name: 'server_version',
      value: '18.4',
    });
  });
});
