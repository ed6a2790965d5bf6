import { describe, expect, it } from 'vitest';
import {
  describeHandshakeFailure,
  type HandshakeFailureFacts,
} from '../../src/probes/protocols/tls-handshake.js';
import type { ExchangeResult } from '../../src/probes/types.js';

const text = (value: string) => Buffer.from(value, 'latin1');
const none = Buffer.alloc(0);

describe('describeHandshakeFailure', () => {
  it.each<[string, HandshakeFailureFacts, Partial<ExchangeResult>]>([
    [
      'a plaintext HTTP server',
      {
        port: 8080,
        code: 'ERR_SSL_WRONG_VERSION_NUMBER',
        firstBytes: text('HTTP/1.1 400 Bad Request\r\n'),
      },
      {
        problem: 'tls-expected',
        summary: 'The server on port 8080 speaks plain HTTP, not TLS; use http://',
      },
    ],
    [
      'an SSH server',
      {
        port: 22,
        code: 'ERR_SSL_WRONG_VERSION_NUMBER',
        firstBytes: text('SSH-2.0-OpenSSH_9.6\r\n'),
      },
      { problem: 'tls-expected', summary: 'The server on port 22 speaks SSH, not TLS' },
    ],
    [
      'an echo server',
      {
        port: 7,
        code: 'ERR_SSL_UNEXPECTED_MESSAGE',
        firstBytes: Buffer.from([0x16, 0x03, 0x01, 0x01, 0x79, 0x01]),
      },
      {
        problem: 'tls-expected',
        summary:
          'The server on port 7 sent our TLS ClientHello back (an echo server?): it does not speak TLS',
      },
    ],
    [
      'unknown bytes',
      { port: 9, code: 'ERR_SSL_WRONG_VERSION_NUMBER', firstBytes: text('220 smtp ready\r\n') },
      {
        problem: 'tls-expected',
        summary: 'The server on port 9 answered the TLS handshake with non-TLS bytes',
      },
    ],
    [
      'a TLS alert',
      {
        port: 443,
        code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
        message:
          'C0:error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:../ssl/record/rec_layer_s3.c:1593:SSL alert number 70',
        firstBytes: Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]),
      },
      {
        problem: 'tls-error',
        summary:
          'TLS handshake with port 443 failed: ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION (tlsv1 alert protocol version)',
      },
    ],
    [
      'a reset',
      {
        port: 443,
        code: 'ECONNRESET',
        firstBytes: none,
        rawEnd: { how: 'error', code: 'ECONNRESET' },
      },
      {
        outcome: 'reset-after-connect',
        summary: 'The server on port 443 reset the connection during the TLS handshake',
      },
    ],
    [
      'a close',
      { port: 443, code: 'ECONNRESET', firstBytes: none, rawEnd: { how: 'end' } },
      {
        outcome: 'closed-before-data',
        summary:
          'The server on port 443 closed the connection during the TLS handshake without answering',
      },
    ],
    [
      'silence',
      { port: 443, firstBytes: none },
      {
        problem: 'no-response',
        summary: 'The server on port 443 did not answer the TLS handshake before the timeout',
      },
    ],
  ])('%s', (_name, facts, expected) => {
    const result = describeHandshakeFailure(facts);
    expect(result.ready).toBe(false);
    expect(result).toMatchObject(expected);
  });

  it('keeps the evidence: error code, first bytes, guessed service', () => {
    const result = describeHandshakeFailure({
      port: 8080,
      code: 'ERR_SSL_WRONG_VERSION_NUMBER',
      firstBytes: text('HTTP/1.1 400\r\n'),
    });
    expect(result.details).toEqual({
      tlsErrorCode: 'ERR_SSL_WRONG_VERSION_NUMBER',
      firstBytes: 'HTTP/1.1 400\\r\\n',
      service: 'http',
    });
  });
});
