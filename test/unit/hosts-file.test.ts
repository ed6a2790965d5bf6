import { describe, expect, it } from 'vitest';
import { localhostProblems, parseHostsFile } from '../../src/doctor/hosts-file.js';

describe('hosts file', () => {
  it('parses mappings with comments and aliases', () => {
    const hosts = parseHostsFile(
      '# comment\n127.0.0.1\tlocalhost vm # trailing\n::1 localhost ip6-localhost\n\nfe00::0 ip6-localnet\n',
    );
    expect(hosts.entries).toEqual([
      { line: 2, address: '127.0.0.1', names: ['localhost', 'vm'] },
      { line: 3, address: '::1', names: ['localhost', 'ip6-localhost'] },
      { line: 5, address: 'fe00::0', names: ['ip6-localnet'] },
    ]);
    expect(localhostProblems(hosts)).toEqual([]);
  });

  it.each([
    ['10.1.2.3 localhost\n', 'not a loopback address'],
    ['127.0.0.1localhost\n', 'no line maps localhost'],
    ['# nothing\n', 'no line maps localhost'],
  ])('flags %j', (text, problem) => {
    expect(localhostProblems(parseHostsFile(text)).join('\n')).toContain(problem);
  });
});
