import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bench is plain JavaScript without type declarations
import { roundOrder } from '../../bench/door/run-door-bench.mjs';
// @ts-expect-error: the bench is plain JavaScript without type declarations
import { docsMarkers, replaceDocsSection } from '../../bench/shared/docs-section.mjs';

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
