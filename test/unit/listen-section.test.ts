import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readListenSection } from '../../src/sockets/listen-section.js';
import { TCP_HEADER, tcpLine } from '../helpers/fake-proc.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function table(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'portier-listen-'));
  dirs.push(dir);
  const path = join(dir, 'tcp');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const V6_ANY = '00000000000000000000000000000000:0000';
const V6_LOOPBACK = '00000000000000000000000001000000';

describe('readListenSection', () => {
  it('stops at the first row that is not LISTEN, IPv4 and IPv6', () => {
    const listeners = [
      TCP_HEADER,
      tcpLine(0, '0100007F:E0E5', '00000000:0000', '0A', 0, 1),
      tcpLine(1, '00000000:1F90', '00000000:0000', '0A', 0, 2),
    ];
    const rest = [tcpLine(2, '0100007F:E0E5', '0100007F:9C41', '01', 0, 3)];
    expect(readListenSection(table([...listeners, ...rest]))).toBe(`${listeners.join('\n')}\n`);
    const v6 = [TCP_HEADER, tcpLine(0, `${V6_LOOPBACK}:0BB8`, V6_ANY, '0A', 0, 4)];
    const v6Rest = [tcpLine(1, `${V6_LOOPBACK}:0BB8`, `${V6_LOOPBACK}:9C41`, '06', 0, 0)];
    expect(readListenSection(table([...v6, ...v6Rest]))).toBe(`${v6.join('\n')}\n`);
  });

  it('reads slot numbers wider than their column, and a table of listeners only', () => {
    const lines = [
      TCP_HEADER,
      tcpLine(99999, '0100007F:E0E5', '00000000:0000', '0A', 0, 1),
      tcpLine(100000, '0100007F:E0E6', '00000000:0000', '0A', 0, 2),
    ];
    expect(readListenSection(table(lines))).toBe(`${lines.join('\n')}\n`);
    const next = tcpLine(100001, '0100007F:E0E6', '0100007F:9C41', '01', 0, 3);
    expect(readListenSection(table([...lines, next]))).toBe(`${lines.join('\n')}\n`);
  });

  it('reads a row in another layout by its fields', () => {
    // Two spaces between fields: the fixed offsets miss, the fields do not.
    const odd = '   2:  0100007F:E0E5  0100007F:9C41  01  00000000:00000000  00:00000000  0  0  3';
    const lines = [TCP_HEADER, tcpLine(0, '0100007F:E0E5', '00000000:0000', '0A', 0, 1)];
    expect(readListenSection(table([...lines, odd]))).toBe(`${lines.join('\n')}\n`);
  });

  it('reads a section longer than its buffer, rows split across reads included', () => {
    // ~500 rows of ~150 bytes: many 8 KB reads, and a buffer grown twice.
    const lines = [TCP_HEADER];
    for (let i = 0; i < 500; i++)
      lines.push(
        tcpLine(
          i,
          `0100007F:${(1000 + i).toString(16).toUpperCase().padStart(4, '0')}`,
          '00000000:0000',
          '0A',
          0,
          i + 1,
        ),
      );
    const rest = [tcpLine(500, '0100007F:E0E5', '0100007F:9C41', '01', 0, 9999)];
    expect(readListenSection(table([...lines, ...rest]))).toBe(`${lines.join('\n')}\n`);
  });

  it('cuts a table the kernel pads (tcp, udp: every line 149 characters) by position', () => {
    const pad = (line: string) => line.padEnd(149);
    const lines = [pad(TCP_HEADER)];
    for (let i = 0; i < 300; i++)
      lines.push(
        pad(
          tcpLine(
            i,
            `0100007F:${(2000 + i).toString(16).toUpperCase()}`,
            '00000000:0000',
            '0A',
            0,
            i + 1,
          ),
        ),
      );
    const rest = [pad(tcpLine(300, '0100007F:E0E5', '0100007F:9C41', '01', 0, 9999))];
    expect(readListenSection(table([...lines, ...rest]))).toBe(`${lines.join('\n')}\n`);
    // Listeners only, the last line cut by no read boundary in particular.
    expect(readListenSection(table(lines))).toBe(`${lines.join('\n')}\n`);
  });
});
