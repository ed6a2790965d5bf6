import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStateDir } from '../../src/state/state-dir.js';

describe('resolveStateDir', () => {
  it('prefers PORTIER_STATE_DIR, then XDG_STATE_HOME, then LOCALAPPDATA', () => {
    const all = {
      PORTIER_STATE_DIR: '/p',
      XDG_STATE_HOME: '/x',
      LOCALAPPDATA: 'C:\\l',
      HOME: '/h',
    };
    expect(resolveStateDir(all)).toBe('/p');
    expect(resolveStateDir({ ...all, PORTIER_STATE_DIR: '' })).toBe(join('/x', 'portier'));
    expect(resolveStateDir({ LOCALAPPDATA: '/l', HOME: '/h' })).toBe(join('/l', 'portier'));
  });

  it('falls back to ~/.local/state/portier: the given home, $HOME, else the OS', () => {
    expect(resolveStateDir({ HOME: '/h' }, '/given')).toBe(join('/given', '.local/state/portier'));
    expect(resolveStateDir({ HOME: '/h' })).toBe(join('/h', '.local/state/portier'));
    expect(resolveStateDir({})).toBe(join(homedir(), '.local/state/portier'));
    expect(resolveStateDir({ HOME: '' })).toBe(join(homedir(), '.local/state/portier'));
  });
});
