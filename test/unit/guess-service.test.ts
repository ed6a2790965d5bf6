import { describe, expect, it } from 'vitest';
import {
  formatGreeting,
  type GuessedService,
  guessServiceFromGreeting,
} from '../../src/probes/protocols/guess-service.js';

const bytes = (...values: number[]) => Buffer.from(values);
const text = (value: string) => Buffer.from(value, 'latin1');

describe('guessServiceFromGreeting', () => {
  it.each<[string, Buffer, GuessedService]>([
    ['nothing', bytes(), 'unknown'],
    ['a TLS ServerHello record', bytes(0x16, 0x03, 0x03, 0x00, 0x7a, 0x02), 'tls'],
    ['a TLS alert record', bytes(0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46), 'tls'],
    ['a lone TLS handshake byte', bytes(0x16), 'tls'],
    ['0x16 not followed by version 3', bytes(0x16, 0x41), 'unknown'],
    ['an HTTP response', text('HTTP/1.1 400 Bad Request\r\n'), 'http'],
    ['an HTTP/1.0 response', text('HTTP/1.0 200 OK\r\n'), 'http'],
    ['an SSH banner', text('SSH-2.0-OpenSSH_9.6p1 Ubuntu\r\n'), 'ssh'],
    ['a Redis error', text("-ERR wrong number of arguments for 'get' command\r\n"), 'redis'],
    ['a Redis NOAUTH', text('-NOAUTH Authentication required.\r\n'), 'redis'],
    ['a Redis simple string', text('+PONG\r\n'), 'redis'],
    [
      'a PostgreSQL ErrorResponse',
      Buffer.concat([
        bytes(0x45, 0, 0, 0, 0x60),
        text('SFATAL\0VFATAL\0C0A000\0Munsupported frontend protocol\0'),
      ]),
      'postgres',
    ],
    ['a PostgreSQL AuthenticationSASL', bytes(0x52, 0, 0, 0, 0x17, 0, 0, 0, 0x0a), 'postgres'],
    ['E with a silly length', bytes(0x45, 0x7f, 0, 0, 0, 0x53), 'unknown'],
    ['a MySQL 8 greeting', Buffer.concat([bytes(0x4a, 0, 0, 0, 0x0a), text('8.0.36\0')]), 'mysql'],
    [
      'a MySQL ERR as greeting',
      Buffer.concat([
        bytes(0x44, 0, 0, 0, 0xff, 0x6a, 0x04),
        text("Host '10.0.0.2' is not allowed"),
      ]),
      'mysql',
    ],
    ['an SMTP banner', text('220 mail.example ESMTP\r\n'), 'unknown'],
    ['binary noise', bytes(0x00, 0x01, 0x02, 0x03, 0x04, 0x05), 'unknown'],
  ])('%s', (_name, input, expected) => {
    expect(guessServiceFromGreeting(input)).toBe(expected);
  });
});

describe('formatGreeting', () => {
  it.each<[Buffer, number | undefined, string]>([
    [text('SSH-2.0-x\r\n'), undefined, 'SSH-2.0-x\\r\\n'],
    [bytes(0x15, 0x03, 0x03, 0x41), undefined, '\\x15\\x03\\x03A'],
    [text('abcdef'), 3, 'abc…'],
    [text('abc'), 3, 'abc'],
  ])('%j (max %s) → %s', (input, maxBytes, expected) => {
    expect(formatGreeting(input, maxBytes)).toBe(expected);
  });
});
