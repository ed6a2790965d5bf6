import { describe, expect, it } from 'vitest';
import { firstTextLine, wrongServiceResult } from '../../src/probes/protocols/foreign-reply.js';

const hex = (text: string) => Buffer.from(text, 'hex');

describe('firstTextLine', () => {
  it.each([
    ['HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n', 'HTTP/1.1 400 Bad Request'],
    ['SSH-2.0-OpenSSH_9.2p1\r\n', 'SSH-2.0-OpenSSH_9.2p1'],
    ['no newline', 'no newline'],
    ['\r\nstarts with a newline', undefined],
    ['\x16\x03\x03\x00', undefined],
  ])('%j → %j', (text, line) => {
    expect(firstTextLine(Buffer.from(text, 'latin1'))).toBe(line);
  });

  it('cuts a long line to 200 characters', () => {
    expect(firstTextLine(Buffer.from('a'.repeat(300)))).toHaveLength(200);
  });
});

describe('wrongServiceResult', () => {
  it('says what was expected and what answered', () => {
    const result = wrongServiceResult(
      'PostgreSQL',
      Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'),
    );
    expect(result).toEqual({
      ready: false,
      problem: 'wrong-service',
      summary: 'Not PostgreSQL: the server speaks HTTP ("HTTP/1.1 400 Bad Request")',
      details: {
        expected: 'PostgreSQL',
        service: 'http',
        firstBytes: 'HTTP/1.1 400 Bad Request\\r\\n\\r\\n',
      },
    });
  });

  it('names an SSH banner', () => {
    const result = wrongServiceResult('MySQL', Buffer.from('SSH-2.0-OpenSSH_9.2p1\r\n'));
    expect(result).toMatchObject({ problem: 'wrong-service', details: { service: 'ssh' } });
  });

  it('shows unrecognised binary replies escaped', () => {
    const result = wrongServiceResult('Redis', hex('0001ff'));
    expect(result.summary).toBe(
      'Not Redis: the server answers in another protocol ("\\x00\\x01\\xff")',
    );
    expect(result.details).toMatchObject({ service: 'unknown' });
  });

  it('calls a TLS alert a plaintext probe meeting a TLS server', () => {
    const result = wrongServiceResult('Redis', hex('15030300020246'));
    expect(result).toMatchObject({ problem: 'plaintext-expected', details: { service: 'tls' } });
    expect(result.summary).toBe(
      'Not Redis: the server speaks TLS ("\\x15\\x03\\x03\\x00\\x02\\x02F")',
    );
  });
});
