import { describe, expect, it } from 'vitest';
import { parsePasswd, parseProcStat } from '../../src/sockets/linux-process.js';

// The fields after the name, as a real /proc/<pid>/stat has them: state, ppid, … field 22
// (starttime) is the 20th after the name.
const TAIL = 'S 1 21731 13350 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 94254 3133440 359';

describe('parseProcStat', () => {
  it.each([
    ['a plain name', `812 (node) ${TAIL}`, 'node'],
    ['a name with spaces', `812 (Web Content) ${TAIL}`, 'Web Content'],
    ['a name with `)` and a space', `1234 (a) b) ${TAIL}`, 'a) b'],
    ['a name that looks like the fields', `1234 (x) S 1 2) ${TAIL}`, 'x) S 1 2'],
    ['a name with `(`', `1234 ((sd-pam)) ${TAIL}`, '(sd-pam)'],
    ['an empty name', `1234 () ${TAIL}`, ''],
  ])('reads %s', (_what, text, name) => {
    expect(parseProcStat(text)).toEqual({
      name,
      state: 'S',
      ppid: 1,
      session: 13350,
      startTime: 94254,
      threads: 1,
      kernelThread: false,
      exiting: false,
    });
  });

  it('marks a kernel thread by its PF_KTHREAD flag', () => {
    const kthread = '2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 10 0 0';
    expect(parseProcStat(kthread)).toMatchObject({ name: 'kthreadd', kernelThread: true });
  });

  it('marks a task in the exit path by its PF_EXITING flag', () => {
    // A zombie main thread while its last thread finishes the exit, as read here (0x40800c).
    const zombie = `812 (node) Z 1 812 812 0 -1 ${0x40800c} 98 0 0 0 0 0 0 0 20 0 2 0 94254 0 0`;
    expect(parseProcStat(zombie)).toMatchObject({ state: 'Z', threads: 2, exiting: true });
  });

  it('reads a real line with a trailing newline', () => {
    expect(
      parseProcStat(
        `21733 (cat) R 21731 21731 13350 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 94254 3133440\n`,
      ),
    ).toMatchObject({ name: 'cat', state: 'R', ppid: 21731, startTime: 94254 });
  });

  it.each([
    ['no parentheses', '812 node S 1'],
    ['a `)` before the `(`', '812 ) node ( S 1'],
    ['empty text', ''],
  ])('gives undefined for %s', (_what, text) => {
    expect(parseProcStat(text)).toBeUndefined();
  });
});

describe('parsePasswd', () => {
  const PASSWD = [
    'root:x:0:0:root:/root:/bin/bash',
    'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
    '# a comment:x:5:5',
    '',
    'cloudsdk:x:1000:1000::/home/cloudsdk:/bin/bash',
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
    'toor:x:0:0:second root:/root:/bin/sh',
    '+::::::',
    'broken::',
    'words:x:abc:1::/:/bin/sh',
    'spaced:x: 7:1::/:/bin/sh',
    'short:x',
  ].join('\n');

  it('maps every uid to its first login name', () => {
    expect([...parsePasswd(PASSWD)]).toEqual([
      [0, 'root'],
      [1, 'daemon'],
      [1000, 'cloudsdk'],
      [65534, 'nobody'],
    ]);
  });

  it.each([
    ['an empty uid field (NIS `+` lines)', '+::::::\nroot:x:0:0::/:/bin/sh'],
    ['an empty uid before root', 'broken::\nroot:x:0:0::/:/bin/sh'],
  ])('does not read %s as uid 0', (_what, text) => {
    expect(parsePasswd(text).get(0)).toBe('root');
  });

  it('reads CRLF files and gives an empty map for empty text', () => {
    expect(parsePasswd('root:x:0:0::/:/bin/sh\r\n').get(0)).toBe('root');
    expect(parsePasswd('').size).toBe(0);
  });
});
