import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, runCli } from '../helpers/cli.js';

beforeAll(assertCliBuilt);

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portier-cc-state-'));
  dirs.push(dir);
  return dir;
}

/** Each cache file's name with its mtime and size. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir).map((f) => {
      const stat = statSync(join(dir, f));
      return [f, `${stat.mtimeMs}:${stat.size}`];
    }),
  );
}

describe('the CLI code cache', () => {
  it('loads bundles the build made pure ASCII, so latin1 reads them exactly', () => {
    const dist = fileURLToPath(new URL('../../dist', import.meta.url));
    const bundles = [
      ...readdirSync(dist).map((f) => join(dist, f)),
      ...readdirSync(join(dist, 'commands')).map((f) => join(dist, 'commands', f)),
    ].filter((f) => f.endsWith('.cjs'));
    expect(bundles.length).toBeGreaterThan(10);
    for (const file of bundles) {
      const bytes = readFileSync(file);
      expect(
        bytes.findIndex((b) => b > 0x7f),
        file,
      ).toBe(-1);
    }
  });

  it('is written by the first run and used, unchanged, by the next', async () => {
    const state = stateDir();
    const first = await runCli(['port', '80'], { env: { PORTIER_STATE_DIR: state } });
    expect(first.code, first.stderr).toBe(0);
    const cacheDir = join(state, 'code-cache');
    const written = snapshot(cacheDir);
    // The CLI bundle's and the command's.
    expect(Object.keys(written).sort()).toEqual([
      expect.stringMatching(/^cli\.cjs-[0-9a-f]+\.bin$/),
      expect.stringMatching(/^port\.cjs-[0-9a-f]+\.bin$/),
    ]);
    const second = await runCli(['port', '80'], { env: { PORTIER_STATE_DIR: state } });
    expect(second.stdout).toBe(first.stdout);
    // A cache V8 rejected would have been written again.
    expect(snapshot(cacheDir)).toEqual(written);
  });

  it('is ignored and replaced when corrupt', async () => {
    const state = stateDir();
    const env = { PORTIER_STATE_DIR: state };
    const first = await runCli(['port', '80'], { env });
    const cacheDir = join(state, 'code-cache');
    const file = join(cacheDir, readdirSync(cacheDir).find((f) => f.startsWith('port.cjs'))!);
    const bytes = readFileSync(file);
    const header = bytes.subarray(0, bytes.indexOf(10) + 1);
    const garbage = Buffer.concat([header, Buffer.from('not what V8 wrote '.repeat(64))]);
    writeFileSync(file, garbage);
    const second = await runCli(['port', '80'], { env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(readFileSync(file).equals(garbage)).toBe(false);
  });

  it('is not kept with PORTIER_CODE_CACHE=0, and a state dir it cannot write is no error', async () => {
    const state = stateDir();
    const off = await runCli(['port', '80'], {
      env: { PORTIER_STATE_DIR: state, PORTIER_CODE_CACHE: '0' },
    });
    expect(off.code, off.stderr).toBe(0);
    expect(existsSync(join(state, 'code-cache'))).toBe(false);
    writeFileSync(join(state, 'code-cache'), 'a file in the way');
    const blocked = await runCli(['port', '80'], { env: { PORTIER_STATE_DIR: state } });
    expect(blocked.code, blocked.stderr).toBe(0);
    expect(blocked.stderr).toBe('');
  });
});
