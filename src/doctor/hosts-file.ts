import { isIP } from 'node:net';
import { isLoopbackAddress } from '../net/exposure.js';

/** One mapping line of a hosts file. */
export interface HostsEntry {
  /** 1-based line number. */
  line: number;
  address: string;
  names: string[];
}

/** A parsed hosts file: mappings and the lines that are not valid mappings. */
export interface HostsFile {
  entries: HostsEntry[];
  invalid: Array<{ line: number; text: string }>;
}

/** Parses hosts(5) text: `address name [aliases…]`, `#` comments. */
export function parseHostsFile(text: string): HostsFile {
  const entries: HostsEntry[] = [];
  const invalid: HostsFile['invalid'] = [];
  text.split('\n').forEach((raw, index) => {
    const content = raw.replace(/#.*/, '').trim();
    if (content === '') return;
    const [address = '', ...names] = content.split(/\s+/);
    if (isIP(address.replace(/%.*$/, '')) === 0 || names.length === 0)
      invalid.push({ line: index + 1, text: raw.trim() });
    else entries.push({ line: index + 1, address, names: names.map((n) => n.toLowerCase()) });
  });
  return { entries, invalid };
}

/** What is wrong with how a hosts file maps `localhost`, as evidence lines; empty when fine. */
export function localhostProblems(hosts: HostsFile): string[] {
  const problems: string[] = [];
  const mapped = hosts.entries.filter((e) => e.names.includes('localhost'));
  for (const e of mapped) {
    if (!isLoopbackAddress(e.address))
      problems.push(
        `line ${e.line}: localhost is mapped to ${e.address}, which is not a loopback address`,
      );
  }
  if (mapped.length === 0)
    problems.push('no line maps localhost (expected "127.0.0.1 localhost" and "::1 localhost")');
  for (const bad of hosts.invalid) {
    if (/localhost/i.test(bad.text))
      problems.push(`line ${bad.line}: "${bad.text}" is not a valid hosts line`);
  }
  return problems;
}
