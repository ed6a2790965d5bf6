import type { PeerCertificate } from 'node:tls';
import { describe, expect, it } from 'vitest';
import {
  type CertificateProblem,
  certificateValidityProblem,
  classifyCertificateError,
  classifyTlsError,
  describeCertificate,
  parseSubjectAltNames,
  sniffTlsReply,
  type TlsFailureKind,
  type TlsReply,
} from '../../src/probes/protocols/tls-classify.js';

describe('classifyTlsError', () => {
  it.each<[string | undefined, string, TlsFailureKind]>([
    ['ERR_SSL_WRONG_VERSION_NUMBER', '', 'not-tls'],
    ['ERR_SSL_PACKET_LENGTH_TOO_LONG', '', 'not-tls'],
    ['ERR_SSL_UNEXPECTED_MESSAGE', '', 'not-tls'],
    [
      'EPROTO',
      '...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:...',
      'not-tls',
    ],
    ['EPROTO', 'error:1408F10B:SSL routines:ssl3_get_record:unknown protocol', 'not-tls'],
    [
      'ECONNRESET',
      'Client network socket disconnected before secure TLS connection was established',
      'connection',
    ],
    ['EPIPE', 'write EPIPE', 'connection'],
    ['ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', '', 'handshake'],
    ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', '', 'handshake'],
    ['ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL', '', 'handshake'],
    ['ERR_SSL_UNSUPPORTED_PROTOCOL', '', 'handshake'],
    [undefined, 'wrong version number', 'not-tls'],
    [undefined, 'something else', 'handshake'],
  ])('%s %j → %s', (code, message, expected) => {
    expect(classifyTlsError(code, message)).toBe(expected);
  });
});

describe('sniffTlsReply', () => {
  it.each<[string, number[], TlsReply]>([
    ['nothing', [], 'empty'],
    ['a ServerHello', [0x16, 0x03, 0x03, 0x00, 0x7a, 0x02], 'server-hello'],
    ['a handshake record header only', [0x16, 0x03, 0x03], 'server-hello'],
    ['an alert', [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46], 'alert'],
    ['our ClientHello echoed', [0x16, 0x03, 0x01, 0x01, 0x79, 0x01], 'client-hello'],
    ['HTTP', [...Buffer.from('HTTP/1.1 400')], 'not-tls'],
    ['SSH', [...Buffer.from('SSH-2.0')], 'not-tls'],
    ['0x16 then not version 3', [0x16, 0x00], 'not-tls'],
  ])('%s', (_name, bytes, expected) => {
    expect(sniffTlsReply(Buffer.from(bytes))).toBe(expected);
  });
});

describe('classifyCertificateError', () => {
  it.each<[string, CertificateProblem]>([
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'self-signed'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'untrusted'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'untrusted'],
    ['CERT_HAS_EXPIRED', 'expired'],
    ['CERT_NOT_YET_VALID', 'not-yet-valid'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'name-mismatch'],
    ['CERT_REVOKED', 'other'],
  ])('%s → %s', (code, expected) => {
    expect(classifyCertificateError(code)).toBe(expected);
  });
});

describe('parseSubjectAltNames', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, []],
    ['', []],
    [
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
      ['DNS:localhost', 'IP:127.0.0.1', 'IP:0:0:0:0:0:0:0:1'],
    ],
    ['DNS:*.localhost', ['DNS:*.localhost']],
  ])('%j', (text, expected) => {
    expect(parseSubjectAltNames(text)).toEqual(expected);
  });
});

describe('describeCertificate', () => {
  const cert = {
    subject: { CN: 'localhost', O: 'portier test' },
    issuer: { O: 'mkcert development CA' },
    subjectaltname: 'DNS:localhost',
    valid_from: 'Jan  1 00:00:00 2024 GMT',
    valid_to: 'Jan  1 00:00:00 2026 GMT',
    fingerprint256: 'AA:BB',
  } as unknown as PeerCertificate;
  const now = Date.parse('2025-12-22T12:00:00Z');

  it('summarises names, dates and days left', () => {
    expect(describeCertificate(cert, now)).toEqual({
      subject: 'localhost',
      subjectAltNames: ['DNS:localhost'],
      issuer: 'mkcert development CA',
      validFrom: '2024-01-01T00:00:00.000Z',
      validTo: '2026-01-01T00:00:00.000Z',
      expiresInDays: 9,
      fingerprint256: 'AA:BB',
      selfSigned: false,
    });
  });

  it('counts days since expiry as negative and flags validity', () => {
    const later = Date.parse('2026-01-03T00:00:00Z');
    const summary = describeCertificate(cert, later);
    expect(summary.expiresInDays).toBe(-2);
    expect(certificateValidityProblem(summary, later)).toBe('expired');
    expect(certificateValidityProblem(summary, Date.parse('2023-06-01T00:00:00Z'))).toBe(
      'not-yet-valid',
    );
    expect(certificateValidityProblem(summary, now)).toBeUndefined();
  });

  it('sees a self-signed certificate and survives missing fields', () => {
    const selfSigned = { ...cert, issuer: cert.subject } as PeerCertificate;
    expect(describeCertificate(selfSigned, now).selfSigned).toBe(true);
    const empty = describeCertificate({} as PeerCertificate, now);
    expect(empty).toMatchObject({
      subject: undefined,
      subjectAltNames: [],
      validTo: undefined,
      expiresInDays: undefined,
    });
  });
});
