import { describe, expect, it } from 'vitest';
import { createColors } from '../../src/text/ansi-colors.js';

describe('ansi colours', () => {
  const on = createColors(true);
  const off = createColors(false);

  it('wraps text in the open and close codes', () => {
    expect(on.red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(on.bold('x')).toBe('\x1b[1mx\x1b[22m');
    expect(on.cyanBright('x')).toBe('\x1b[96mx\x1b[39m');
  });

  it('leaves text as it is when off, numbers as text', () => {
    expect(off.red('x')).toBe('x');
    expect(off.dim(42)).toBe('42');
    expect(on.green(7)).toBe('\x1b[32m7\x1b[39m');
  });

  it('says whether it colours', () => {
    expect(on.enabled).toBe(true);
    expect(off.enabled).toBe(false);
  });

  it('opens the outer style again after an inner one that shares its close code', () => {
    // dim's close (22) also ends bold: the text after the inner part must stay bold.
    expect(on.bold(`a ${on.dim('b')} c`)).toBe('\x1b[1ma \x1b[2mb\x1b[22m\x1b[1m c\x1b[22m');
    expect(on.red(`a ${on.green('b')} c`)).toBe('\x1b[31ma \x1b[32mb\x1b[39m\x1b[31m c\x1b[39m');
  });

  it('leaves an inner style with another close code alone', () => {
    expect(on.red(on.bold('b'))).toBe('\x1b[31m\x1b[1mb\x1b[22m\x1b[39m');
  });
});
