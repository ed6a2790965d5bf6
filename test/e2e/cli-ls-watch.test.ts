import { beforeAll, describe, expect, it } from 'vitest';
import type { ListenerChange } from '../../src/index.js';
import { assertCliBuilt, startCli } from '../helpers/cli.js';
import { startFixture } from '../helpers/fixtures.js';

beforeAll(assertCliBuilt);

function change(line: string): ListenerChange | undefined {
  try {
    return JSON.parse(line) as ListenerChange;
  } catch {
    return undefined;
  }
}

describe('portier ls --watch --json', () => {
  it('streams a listener appearing and disappearing, and exits 0 on SIGINT', async () => {
    const watch = startCli(['ls', '--watch', '--json', '--interval', '100ms']);
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0']);
    const isFixture = (type: ListenerChange['type']) => (line: string) => {
      const c = change(line);
      return c?.type === type && c.listener.port === fixture.port;
    };

    const added = change(await watch.waitForLine(isFixture('added')))!;
    expect(added.listener).toMatchObject({ address: '127.0.0.1', exposure: 'loopback' });
    expect(added.listener.processes.map((p) => p.pid)).toContain(fixture.pid);

    process.kill(fixture.pid, 'SIGKILL');
    const removed = change(await watch.waitForLine(isFixture('removed')))!;
    expect(removed.listener.port).toBe(fixture.port);

    watch.child.kill('SIGINT');
    const { code, signal } = await watch.exit(5_000);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(watch.stderr()).toBe('');
    expect(watch.lines.filter((l) => l !== '').every((l) => change(l) !== undefined)).toBe(true);
  });

  it('ends by itself, exit 0 and quiet, once nobody reads its output', async () => {
    const watch = startCli(['ls', '--watch', '--json', '--interval', '100ms']);
    const first = await startFixture('listen.mjs', ['127.0.0.1', '0']);
    await watch.waitForLine((line) => change(line)?.listener.port === first.port);
    watch.child.stdout.destroy(); // the reader leaves, as `head -1` does
    // The next change is written to nobody: the watch stops as on Ctrl-C.
    await startFixture('listen.mjs', ['127.0.0.1', '0']);
    const { code, signal } = await watch.exit(5_000);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(watch.stderr()).toBe('');
  });
});
