import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pickPort } from '../../src/ports/pick-port.js';
import { waitFor } from '../../src/probes/wait.js';
import { type Fixture, killQuietly, startFixture } from '../helpers/fixtures.js';

// waitFor against real loopback servers in child processes: ordering comes from its onAttempt
// events, never from sleeps.

async function freePort(): Promise<number> {
  return (await pickPort({ lease: false })).port;
}

const openFds = () => readdirSync('/proc/self/fd').length;
/** Active handles and timers of this process, counted by kind (`Timeout`, `TCPSocketWrap`…). */
const activeResources = () => {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
};
/** Kinds with more resources now than in `before`: what the code under test left behind. */
const addedSince = (before: Record<string, number>) =>
  Object.entries(activeResources())
    .filter(([kind, count]) => count > (before[kind] ?? 0))
    .map(([kind, count]) => `${kind} ${before[kind] ?? 0} → ${count}`);
/** Lets closed handles finish closing: libuv closes them on the next turns of the loop. */
const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('waitFor', () => {
  it.skipIf(process.platform !== 'linux')(
    'leaves no socket or timer behind after waiting on a server that accepts and never answers',
    async () => {
      const server = await startFixture('doctor-server.mjs', ['127.0.0.1', '0', 'never-answer']);
      const target = `http://127.0.0.1:${server.port}/`;
      await settle();
      const fdsBefore = openFds();
      const resourcesBefore = activeResources();

      const result = await waitFor([target], { timeoutMs: 500, attemptTimeoutMs: 100 });
      await settle();

      // Several attempts connected and were left unanswered: each one's socket and timer must
      // be gone. Tolerance 0 for anything added; the test runner's own batching timer may
      // finish in between, so a kind may only shrink.
      expect(result.ok).toBe(false);
      expect(result.targets[0]!.attempts).toBeGreaterThanOrEqual(3);
      expect(result.targets[0]!.last?.problem).toBe('no-response');
      expect(openFds()).toBe(fdsBefore);
      expect(addedSince(resourcesBefore)).toEqual([]);
    },
  );

  it('resolves once a listener appears during the wait', async () => {
    const port = await freePort();
    let fixture: Promise<Fixture> | undefined;
    const result = await waitFor([`http://127.0.0.1:${port}/`], {
      timeoutMs: 10_000,
      // Start the server after the first refused attempt: it appears during the wait.
      onAttempt: (state) => {
        if (!fixture && state.last?.status === 'down') {
          fixture = startFixture('doctor-server.mjs', ['127.0.0.1', String(port), 'http']);
        }
      },
    });
    expect(result.ok).toBe(true);
    expect(result.targets[0]!.attempts).toBeGreaterThan(1);
    expect(result.targets[0]!.last?.ok).toBe(true);
    await fixture;
  });

  it('with free: resolves once the process holding the port is killed', async () => {
    const holder = await startFixture('doctor-server.mjs', ['127.0.0.1', '0', 'http']);
    const result = await waitFor([`127.0.0.1:${holder.port}`], {
      free: true,
      timeoutMs: 10_000,
      onAttempt: (state) => {
        if (state.heldOn?.length) killQuietly(holder.pid);
      },
    });
    expect(result.ok).toBe(true);
    expect(result.targets[0]!.attempts).toBeGreaterThan(1);
    expect(result.targets[0]!.heldOn).toEqual([]);
  });

  it('times out with ok false, the last probe down, and never rejects', async () => {
    const port = await freePort();
    const result = await waitFor([`127.0.0.1:${port}`], { timeoutMs: 200 });
    expect(result).toMatchObject({ ok: false, aborted: false });
    expect(result.targets[0]!.last?.status).toBe('down');
    expect(result.elapsedMs).toBeGreaterThanOrEqual(190);
    expect(result.elapsedMs).toBeLessThan(2_000);
  });

  it('stops at once when the signal aborts', async () => {
    const port = await freePort();
    const controller = new AbortController();
    const result = await waitFor([`127.0.0.1:${port}`], {
      timeoutMs: 30_000,
      signal: controller.signal,
      onAttempt: (state) => {
        if (state.attempts === 2) controller.abort();
      },
    });
    expect(result).toMatchObject({ ok: false, aborted: true });
    expect(result.elapsedMs).toBeLessThan(2_000);
  });

  it('waits for every target: one ready and one never up is not ok', async () => {
    const ready = await startFixture('doctor-server.mjs', ['127.0.0.1', '0', 'http']);
    const missing = await freePort();
    const result = await waitFor([`http://127.0.0.1:${ready.port}/`, `127.0.0.1:${missing}`], {
      timeoutMs: 300,
    });
    expect(result.ok).toBe(false);
    expect(result.targets.map((t) => t.done)).toEqual([true, false]);
  });
});
