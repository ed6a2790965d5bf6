import { describe, expect, it } from 'vitest';
import { createLogPrinter, formatLogLine, serviceColor } from '../../src/stack/logs/log-printer.js';
import type { LogLine, LogStream } from '../../src/stack/types.js';
import { createColors } from '../../src/text/ansi-colors.js';

const line = (service: string, text: string, stream: LogStream = 'stdout'): LogLine => ({
  service,
  stream,
  text,
  time: 0,
  seq: 1,
});
const colors = createColors(true);

describe('log line format without colour', () => {
  it.each([
    { name: 'pads the name', line: line('api', 'listening'), width: 6, out: 'api    | listening' },
    { name: 'the longest name', line: line('worker', 'ok'), width: 6, out: 'worker | ok' },
    { name: 'a name past the width', line: line('database', 'up'), width: 3, out: 'database | up' },
    {
      name: 'stderr like stdout',
      line: line('api', 'warn', 'stderr'),
      width: 3,
      out: 'api | warn',
    },
    { name: 'an empty line', line: line('api', ''), width: 3, out: 'api | ' },
    {
      name: "portier's own notes",
      line: line('api', 'exited with code 1', 'portier'),
      width: 4,
      out: 'api  » exited with code 1',
    },
    {
      name: "the child's colours removed",
      line: line('api', '\x1b[31mred\x1b[0m \x1b[1mbold\x1b[22m'),
      width: 3,
      out: 'api | red bold',
    },
    {
      name: 'a hyperlink (OSC 8) removed',
      line: line('api', '\x1b]8;;http://127.0.0.1:5173\x07link\x1b]8;;\x07'),
      width: 3,
      out: 'api | link',
    },
  ])('$name', ({ line, width, out }) => {
    const text = formatLogLine(line, { color: false, width });
    expect(text).toBe(out);
    expect(text).not.toContain('\x1b');
  });
});

describe('log line format with colour', () => {
  it('colours the padded name in the service colour and keeps the text', () => {
    const out = formatLogLine(line('api', 'listening'), { color: true, width: 5 });
    expect(out).toBe(`${colors[serviceColor('api')]('api  ')} ${colors.dim('|')} listening`);
  });

  it("keeps the child's own colours and resets after them", () => {
    const out = formatLogLine(line('web', '\x1b[32mready\x1b[39m in 300 ms'), {
      color: true,
      width: 3,
    });
    expect(out).toContain('\x1b[32mready\x1b[39m in 300 ms');
    // A line that leaves a colour open must not tint the next line's prefix.
    expect(out.endsWith('\x1b[0m')).toBe(true);
  });

  it('styles notes dim and italic, apart from output', () => {
    const out = formatLogLine(line('api', 'restarting', 'portier'), { color: true, width: 3 });
    expect(out).toContain(colors.dim(colors.italic('restarting')));
    expect(out).toContain('»');
  });

  it('gives a service the same colour every time, whatever the other services', () => {
    const names = ['api', 'web', 'worker', 'db', 'cache', 'queue', 'mail', 'search'];
    const first = names.map(serviceColor);
    expect([...names].reverse().map(serviceColor).reverse()).toEqual(first);
    expect(first.some((color) => color.startsWith('red'))).toBe(false);
    // Not all the same: the hash spreads names over the palette.
    expect(new Set(first).size).toBeGreaterThan(3);
  });
});

describe('log printer', () => {
  it('pads to the longest service name and writes one line per call', () => {
    const written: string[] = [];
    const print = createLogPrinter({
      write: (text) => written.push(text),
      color: false,
      services: ['api', 'worker', 'db'],
    });
    print(line('api', 'GET / 200'));
    print(line('worker', 'job done'));
    print(line('db', 'ready', 'portier'));
    expect(written).toEqual(['api    | GET / 200\n', 'worker | job done\n', 'db     » ready\n']);
  });

  it('writes no ANSI at all when colour is off', () => {
    const written: string[] = [];
    const print = createLogPrinter({ write: (t) => written.push(t), color: false, services: [] });
    print(line('api', '\x1b[31merror\x1b[0m'));
    print(line('api', 'note', 'portier'));
    expect(written.join('')).not.toContain('\x1b');
  });
});
