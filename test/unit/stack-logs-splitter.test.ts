import { describe, expect, it } from 'vitest';
import { createLineSplitter, MAX_LINE_BYTES } from '../../src/stack/logs/line-splitter.js';

/** Feeds `chunks` (text or bytes) to a splitter, ends it, and returns the lines it emitted. */
function split(chunks: readonly (string | Buffer)[], maxLineBytes?: number): string[] {
  const lines: string[] = [];
  const splitter = createLineSplitter((line) => lines.push(line), { maxLineBytes });
  for (const chunk of chunks) splitter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  splitter.end();
  return lines;
}

describe('line splitter', () => {
  it.each([
    { name: 'LF lines', chunks: ['a\nb\n'], lines: ['a', 'b'] },
    { name: 'CRLF lines', chunks: ['a\r\nb\r\n'], lines: ['a', 'b'] },
    { name: 'CR and LF in separate chunks', chunks: ['a\r', '\nb\r', '\n'], lines: ['a', 'b'] },
    { name: 'a lone CR inside a line is kept', chunks: ['50%\r100%\n'], lines: ['50%\r100%'] },
    { name: 'only one trailing CR is dropped', chunks: ['a\r\r\n'], lines: ['a\r'] },
    {
      name: 'a partial line across chunks',
      chunks: ['hel', 'lo\nwor', 'ld\n'],
      lines: ['hello', 'world'],
    },
    { name: 'the last line without a newline', chunks: ['a\nlast'], lines: ['a', 'last'] },
    { name: 'the last line with CR and no LF', chunks: ['a\nlast\r'], lines: ['a', 'last'] },
    { name: 'empty lines are kept', chunks: ['a\n\n\nb\n'], lines: ['a', '', '', 'b'] },
    { name: 'only newlines', chunks: ['\n', '\n'], lines: ['', ''] },
    { name: 'nothing at all', chunks: [], lines: [] },
    { name: 'empty chunks', chunks: ['', 'a', '', '\n', ''], lines: ['a'] },
    {
      name: 'ANSI colours are kept',
      chunks: ['\x1b[31mred\x1b[0m\n'],
      lines: ['\x1b[31mred\x1b[0m'],
    },
    { name: 'one byte at a time', chunks: [...'ab\ncd\r\n'], lines: ['ab', 'cd'] },
  ])('$name', ({ chunks, lines }) => {
    expect(split(chunks)).toEqual(lines);
  });

  it('decodes a multi-byte character split at any byte of a chunk boundary', () => {
    const text = 'héllo ✓ 😀 日本\nzweite Zeile ß';
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(split([bytes.subarray(0, cut), bytes.subarray(cut)]), `cut at ${cut}`).toEqual([
        'héllo ✓ 😀 日本',
        'zweite Zeile ß',
      ]);
    }
    // And every byte in its own chunk.
    expect(split([...bytes].map((b) => Buffer.from([b])))).toEqual(text.split('\n'));
  });

  it('turns bytes that are not UTF-8 into U+FFFD rather than dropping the line', () => {
    expect(split([Buffer.from([0x61, 0xff, 0x62, 0x0a]), Buffer.from([0xe2, 0x82])])).toEqual([
      'a\ufffdb',
      '\ufffd',
    ]);
  });

  it('emits a line longer than MAX_LINE_BYTES in pieces of at most that many bytes', () => {
    const long = 'x'.repeat(2 * MAX_LINE_BYTES + 100);
    const lines = split([long, '\nnext\n']);
    expect(lines.map((l) => l.length)).toEqual([MAX_LINE_BYTES, MAX_LINE_BYTES, 100, 4]);
    expect(lines.slice(0, 3).join('')).toBe(long);
  });

  it('cuts a long line of multi-byte characters on character boundaries', () => {
    const long = '€'.repeat(50_000); // 3 bytes each: 150,000 bytes
    const bytes = Buffer.from(`${long}\n`);
    const chunks = [];
    // Chunks of 1,000 bytes, so most chunk boundaries fall inside a character too.
    for (let at = 0; at < bytes.length; at += 1000) chunks.push(bytes.subarray(at, at + 1000));
    const lines = split(chunks);
    expect(lines.length).toBe(3);
    for (const line of lines) {
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(MAX_LINE_BYTES);
      expect(line).not.toContain('\ufffd');
    }
    expect(lines.join('')).toBe(long);
  });

  it('keeps a line of exactly the limit whole, with LF or CRLF', () => {
    const exact = 'y'.repeat(MAX_LINE_BYTES);
    expect(split([`${exact}\n`])).toEqual([exact]);
    expect(split([`${exact}\r`, '\n'])).toEqual([exact]);
    expect(split([exact])).toEqual([exact]);
  });

  it.each([
    { maxLineBytes: 4, chunks: ['abcdefghij\n'], lines: ['abcd', 'efgh', 'ij'] },
    { maxLineBytes: 4, chunks: ['ab', 'cd', 'ef\n'], lines: ['abcd', 'ef'] },
    // A character wider than the limit still goes out whole, never as broken bytes.
    { maxLineBytes: 2, chunks: ['😀😀\n'], lines: ['😀', '😀'] },
  ])('pieces with maxLineBytes $maxLineBytes: $chunks', ({ maxLineBytes, chunks, lines }) => {
    expect(split(chunks, maxLineBytes)).toEqual(lines);
  });

  it('ignores chunks after end() and a second end()', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line));
    splitter.push(Buffer.from('a\nb'));
    splitter.end();
    splitter.push(Buffer.from('c\n'));
    splitter.end();
    expect(lines).toEqual(['a', 'b']);
  });
});
