import { describe, expect, it } from 'vitest';
import {
  decideRedisReply,
  PING_COMMAND,
  parseRespLine,
  takeRedisReply,
} from '../../src/probes/protocols/resp.js';

describe('PING_COMMAND', () => {
  it('is a RESP array of one bulk string, as redis-cli sends it', () => {
    expect(PING_COMMAND).toBe('*1\r\n$4\r\nPING\r\n');
  });
});

describe('parseRespLine', () => {
  it.each([
    ['', 'incomplete'],
    ['+PON', 'incomplete'],
    ['+PONG\r', 'incomplete'],
    ['+PONG\r\n', { type: '+', text: 'PONG' }],
    ['-ERR unknown command\r\n', { type: '-', text: 'ERR unknown command' }],
    [':1\r\n', { type: ':', text: '1' }],
    ['$4\r\nPONG\r\n', { type: '$', text: '4' }],
    ['_\r\n', { type: '_', text: '' }],
    ['HTTP/1.1 400 Bad Request\r\n', 'invalid'],
    ['SSH-2.0-OpenSSH_9.2p1\r\n', 'invalid'],
    [`+${'x'.repeat(5000)}`, 'invalid'],
  ])('%j → %j', (text, expected) => {
    expect(parseRespLine(text)).toEqual(expected);
  });
});

// Reply lines as Redis 7.0.15 sends them (captured with redis-cli against real servers).
describe('decideRedisReply', () => {
  it.each([
    ['+PONG', true, undefined, {}],
    ['-LOADING Redis is loading the dataset in memory', false, 'starting-up', { state: 'loading' }],
    ['-NOAUTH Authentication required.', true, undefined, { auth: 'required' }],
    [
      '-WRONGPASS invalid username-password pair or user is disabled.',
      true,
      undefined,
      { auth: 'required' },
    ],
    ['-ERR operation not permitted', true, undefined, { auth: 'required' }],
    [
      '-ERR AUTH <password> called without any password configured for the default user.',
      true,
      undefined,
      { auth: 'required' },
    ],
    [
      "-NOPERM User probe has no permissions to run the 'ping' command",
      true,
      undefined,
      { auth: 'no-permission' },
    ],
    [
      "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
      false,
      'refused-by-service',
      { state: 'busy' },
    ],
    [
      '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
      false,
      'refused-by-service',
      { state: 'busy' },
    ],
    [
      '-DENIED Redis is running in protected mode because protected mode is enabled',
      false,
      'refused-by-service',
      { state: 'error' },
    ],
    ["-ERR unknown command 'PING'", false, 'refused-by-service', { state: 'error' }],
    ['+OK', false, 'wrong-service', { service: 'redis' }],
    [':1', false, 'wrong-service', { service: 'redis' }],
  ])('%s', (line, ready, problem, details) => {
    const result = decideRedisReply({ type: line[0]!, text: line.slice(1) });
    expect(result.ready).toBe(ready);
    expect(result.problem).toBe(problem);
    expect(result.details).toMatchObject({ reply: line, ...details });
  });

  it('keeps at most 200 characters of the reply', () => {
    const result = decideRedisReply({ type: '-', text: `ERR ${'x'.repeat(300)}` });
    expect(String(result.details?.reply)).toHaveLength(200);
  });
});

describe('takeRedisReply', () => {
  it('waits for the rest of a split line', () => {
    expect(takeRedisReply(Buffer.from('+PO'))).toBeUndefined();
    expect(takeRedisReply(Buffer.from('+PONG\r\n'))?.ready).toBe(true);
  });

  it('names what a non-RESP reply looks like', () => {
    const result = takeRedisReply(
      Buffer.from('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'),
    );
    expect(result).toMatchObject({
      ready: false,
      problem: 'wrong-service',
      details: { service: 'http', expected: 'Redis' },
    });
  });
});
