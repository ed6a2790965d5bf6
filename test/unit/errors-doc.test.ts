import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, PortierError } from '../../src/errors.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const documented = [...doc.matchAll(/^## ([A-Z_]+)$/gm)].map((m) => m[1]);

describe('docs/errors.md and src/errors.ts', () => {
  it('document exactly the codes the code defines', () => {
    expect([...documented].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it.each(Object.entries(ERROR_CODES))('%s states its exit status and a fix', (code, exit) => {
    const section = doc.split(`## ${code}\n`)[1]?.split('\n## ')[0] ?? '';
    expect(section).toContain(`Exit ${exit}.`);
    expect(section).toContain('**Fix:**');
  });

  it('gives each error its exit status and a JSON form without the stack', () => {
    const error = new PortierError('INVALID_PORT', 'bad', { port: 1, hint: 'h' });
    expect(error.exitCode).toBe(2);
    expect(error.toJSON()).toEqual({ code: 'INVALID_PORT', message: 'bad', hint: 'h', port: 1 });
  });
});

describe('isPortierError', () => {
  it('recognises an error from another bundle copy of the class by its brand', async () => {
    const { isPortierError } = await import('../../src/errors.js');
    // A second copy of the class, as each CLI command bundle carries one.
    const foreign = Object.assign(new Error('x'), {
      code: 'INVALID_PORT',
      [Symbol.for('portier.error')]: true,
    });
    expect(isPortierError(foreign, 'INVALID_PORT')).toBe(true);
    expect(isPortierError(new Error('plain'))).toBe(false);
  });
});
