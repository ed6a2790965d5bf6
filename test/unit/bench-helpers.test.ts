import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bench is plain JavaScript without type declarations
import { parseStatusMemory } from '../../bench/door/memory.mjs';
// @ts-expect-error: the bench is plain JavaScript without type declarations
import { roundOrder } from '../../bench/door/run-door-bench.mjs';
// @ts-expect-error: the bench is plain JavaScript without type declarations
import { summariseProfile } from '../../bench/shared/cpu-profile.mjs';
// @ts-expect-error: the bench is plain JavaScript without type declarations
import { docsMarkers, replaceDocsSection } from '../../bench/shared/docs-section.mjs';
// @ts-expect-error: the bench is plain JavaScript without type declarations
import { onlyFlag, roundsFlag, stringFlag, wholeNumberFlag } from '../../bench/shared/flags.mjs';

describe('replaceDocsSection (what --update-docs writes)', () => {
  const markers = docsMarkers('door');

  it('replaces only the text between its own markers', () => {
    const text = `# B\n\nhand-written\n${markers.start}\nold table\n${markers.end}\n\n## after\nkept\n`;
    expect(replaceDocsSection(text, 'new table', markers)).toBe(
      `# B\n\nhand-written\n${markers.start}\nnew table\n${markers.end}\n\n## after\nkept\n`,
    );
  });

  it("leaves another bench's section alone and appends its own when missing", () => {
    const other = docsMarkers('serve');
    const text = `# B\n${other.start}\nserve table\n${other.end}\n`;
    expect(replaceDocsSection(text, 'door table', markers)).toBe(
      `# B\n${other.start}\nserve table\n${other.end}\n\n${markers.start}\ndoor table\n${markers.end}\n`,
    );
  });
});

describe('roundOrder', () => {
  it('runs the contenders forward in odd rounds and backward in even ones', () => {
    expect(roundOrder(['a', 'b', 'c'], 1)).toEqual(['a', 'b', 'c']);
    expect(roundOrder(['a', 'b', 'c'], 2)).toEqual(['c', 'b', 'a']);
    expect(roundOrder(['a', 'b', 'c'], 3)).toEqual(['a', 'b', 'c']);
  });
});

describe('bench flags', () => {
  const argv = ['--quick', '--rounds', '3', '--file', 'x.txt', '--only', 'door,nginx'];

  it('reads a value after its flag, or the fallback when the flag is absent', () => {
    expect(stringFlag(argv, '--file', 'tiny.txt')).toBe('x.txt');
    expect(stringFlag(argv, '--seconds', 'none')).toBe('none');
    expect(roundsFlag(argv, 1)).toBe(3);
    expect(roundsFlag(['--quick'], undefined)).toBeUndefined();
    expect(onlyFlag(argv)).toEqual(['door', 'nginx']);
    expect(onlyFlag(['--quick'])).toBeUndefined();
  });

  it('refuses a number that is not a whole number of at least 1, naming the flag', () => {
    for (const bad of ['0', '-2', '1.5', 'abc'])
      expect(() => wholeNumberFlag(['--connections', bad], '--connections', 64)).toThrow(
        '--connections needs a whole number ≥ 1',
      );
    expect(wholeNumberFlag([], '--connections', 64)).toBe(64);
  });
});

describe('parseStatusMemory', () => {
  it('reads VmRSS and VmHWM in KiB from /proc/<pid>/status', () => {
    const text = 'Name:\tnode\nVmHWM:\t   81234 kB\nVmRSS:\t   76543 kB\nThreads:\t7\n';
    expect(parseStatusMemory(text)).toEqual({ rssKiB: 76543, hwmKiB: 81234 });
  });
});

describe('summariseProfile', () => {
  it('adds up self time per function and per area, largest first, in ms', () => {
    const frame = (id: number, functionName: string, url: string) => ({
      id,
      callFrame: { functionName, url, lineNumber: 9 },
    });
    const profile = {
      nodes: [
        frame(1, '(program)', ''),
        frame(2, 'onRead', 'file:///x/dist/door.js'),
        frame(3, 'writev', 'node:internal/stream_base_commons'),
      ],
      samples: [2, 3, 2, 1],
      timeDeltas: [1000, 500, 2000, 250], // µs
    };
    const summary = summariseProfile(profile);
    expect(summary.totalMs).toBe(3.75);
    expect(summary.functions[0]).toEqual(['onRead dist/door.js:10', 3]);
    expect(summary.areas.map(([area]: [string]) => area)).toEqual([
      'portier',
      'node:stream_base_commons',
      '(program)',
    ]);
  });
});
