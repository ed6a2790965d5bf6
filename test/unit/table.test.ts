import { describe, expect, it } from 'vitest';
import { type Column, renderTable } from '../../src/cli/render/table.js';

const COLUMNS: Column[] = [
  { header: 'PROTO' },
  { header: 'PORT' },
  { header: 'COMMAND', flexible: true },
];
const ROWS = [
  ['tcp', '57573', 'node /srv/app/server.js --port 57573'],
  ['tcp6', '80', 'nginx: master process'],
];

describe('renderTable', () => {
  it('aligns columns two spaces apart and never pads the last cell', () => {
    expect(renderTable(COLUMNS, ROWS)).toBe(
      [
        'PROTO  PORT   COMMAND',
        'tcp    57573  node /srv/app/server.js --port 57573',
        'tcp6   80     nginx: master process',
      ].join('\n'),
    );
  });

  it('cuts nothing without a width (a pipe) or when the table fits', () => {
    const full = renderTable(COLUMNS, ROWS);
    expect(renderTable(COLUMNS, ROWS, 200)).toBe(full);
    expect(renderTable(COLUMNS, ROWS, 50)).toBe(full); // exactly as wide as the widest line
    expect(full).not.toContain('…');
  });

  it.each([49, 40, 30, 24])('cuts the flexible column with … to fit %i columns', (width) => {
    const lines = renderTable(COLUMNS, ROWS, width).split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
    const command = lines[1]!.slice('tcp    57573  '.length);
    expect(command.endsWith('…')).toBe(true);
    expect('node /srv/app/server.js --port 57573'.startsWith(command.slice(0, -1))).toBe(true);
    expect(command.length).toBe(width - 'tcp    57573  '.length);
  });

  it('cuts only the cells that are too long', () => {
    const lines = renderTable(COLUMNS, ROWS, 40).split('\n');
    expect(lines[2]).toBe('tcp6   80     nginx: master process');
  });

  it('never cuts the flexible column below its header', () => {
    const lines = renderTable(COLUMNS, ROWS, 10).split('\n');
    expect(lines[0]).toBe('PROTO  PORT   COMMAND');
    expect(lines[1]).toBe('tcp    57573  node /…');
  });

  it('cuts nothing when no column is flexible', () => {
    const fixed = COLUMNS.map((c) => ({ header: c.header }));
    expect(renderTable(fixed, ROWS, 20)).not.toContain('…');
  });

  it('cuts a flexible column in the middle and keeps the columns after it aligned', () => {
    const columns: Column[] = [{ header: 'A' }, { header: 'CMD', flexible: true }, { header: 'Z' }];
    const lines = renderTable(columns, [['x', 'abcdefghij', 'end']], 12).split('\n');
    expect(lines).toEqual(['A  CMD   Z', 'x  abc…  end']);
  });

  it('renders the header alone for no rows and treats missing cells as empty', () => {
    expect(renderTable(COLUMNS, [])).toBe('PROTO  PORT  COMMAND');
    expect(renderTable(COLUMNS, [['udp']])).toBe('PROTO  PORT  COMMAND\nudp');
  });
});
