import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FINDING_CODES } from '../../src/doctor/types.js';

const doc = readFileSync(new URL('../../docs/doctor.md', import.meta.url), 'utf8');

describe('docs/doctor.md', () => {
  it.each(FINDING_CODES)('documents %s', (code) => {
    expect(doc.includes(`### ${code}\n`) || doc.includes(`- \`${code}\``)).toBe(true);
  });

  it('documents no code the doctor does not have', () => {
    const documented = [...doc.matchAll(/^### ([A-Z0-9_]+)$/gm)].map((m) => m[1]);
    for (const code of documented) expect(FINDING_CODES).toContain(code);
  });
});
