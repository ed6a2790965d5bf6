import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type KillPortOptions, killPort, whoHolds } from '../../src/index.js';
import { identifyProcess } from '../../src/ports/process-liveness.js';
import { readSocketTable } from '../../src/sockets/linux-table.js';
import { endsSoon, fixturePath, killQuietly, startFixture } from '../helpers/fixtures.js';
import { listenHere } from '../helpers/servers.js';

const gone = (pid: number) => identifyProcess(pid) === undefined;

/** killPort with the pids it signals recorded, in order. */
function killRecording(port: number, options: KillPortOptions = {}) {
  const signalled: number[] = [];
  const done = killPort(port, {
    ...options,
    onEvent: (e) => {
      if (e.type === 'signal') signalled.push(e.pid);
    },
  });
  return { signalled, done };
}

/** Expects a kill that `selfPid` runs to be refused for `holder`, with no signal sent. */
async function expectRefusedSendingNothing(port: number, selfPid: number, holder: number) {
  const { signalled, done } = killRecording(port, { selfPid, timeoutMs: 2_000 });
  await expect(done).rejects.toMatchObject({ code: 'KILL_REFUSED', pid: holder });
  expect(signalled).toEqual([]);
}

/** A fixture whose port only an accepted connection holds (the listener closed). */
async function connectionOnly() {
  const fixture = await startFixture('connection-only.mjs');
  const client = connect(fixture.port, '127.0.0.1').on('error', () => {});
  onTestFinished(() => {
    client.destroy();
  });
  for (let i = 0; i < 100; i++) {
    if ((await whoHolds(fixture.port)).status === 'connections-only') return fixture;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`port ${fixture.port} never came to be held by its connection alone`);
}

describe('killPort', () => {
  it('frees a port held by a cooperative listener with SIGTERM alone', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0']);
    const result = await killPort(fixture.port);
    expect(result.targets.map((t) => t.pid)).toEqual([fixture.pid]);
    expect(result.escalated).toEqual([]);
    expect(result.freed).toBe(true);
    expect(await endsSoon(fixture.pid)).toBe(true);
  });

  it('stops a server that closed its listener but keeps draining, with SIGKILL after the timeout', async () => {
    // The port is seen free as soon as the listener closes; the process is stopped all the
    // same, as a dev server still serving an old HMR socket must be.
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0', '--drain', '30000']);
    const events: string[] = [];
    const result = await killPort(fixture.port, {
      timeoutMs: 300,
      onEvent: (e) => events.push(e.type),
    });
    expect(events).toEqual(['signal', 'released', 'escalate', 'signal', 'exited']);
    expect(result.escalated).toEqual([fixture.pid]);
    expect(result.freed).toBe(true);
    expect(gone(fixture.pid)).toBe(true);
  });

  it('waits for a holder to close the connection it kept before calling it exited', async () => {
    // The server closes its listener on SIGTERM and exits at once with an accepted connection
    // open. The kernel closes that connection only as the exit ends, a few ms after the
    // process stopped running: by the time the kill reports the exit, the client has its FIN.
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0', '--drain', '0', '--hold']);
    // Half-open allowed: the client keeps its side open once the server's FIN came, even
    // when this event loop runs during the kill's wait, so that FIN shows as CLOSE_WAIT.
    const client = connect({ port: fixture.port, host: '127.0.0.1', allowHalfOpen: true }).on(
      'error',
      () => {},
    );
    onTestFinished(() => {
      client.destroy();
    });
    await once(client, 'data'); // accepted and answered: the server holds the connection
    const clientState = () =>
      readSocketTable({ protocols: ['tcp'], port: client.localPort }).find(
        (row) => row.remotePort === fixture.port,
      )?.state;
    let atExit: string | undefined;
    const result = await killPort(fixture.port, {
      timeoutMs: 5_000,
      onEvent: (e) => {
        if (e.type === 'exited') atExit = clientState();
      },
    });
    expect(atExit).toBe('CLOSE_WAIT');
    expect(result.escalated).toEqual([]);
    expect(result.freed).toBe(true);
  });

  it('sends SIGKILL after the timeout to a listener that ignores SIGTERM', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0', '--ignore-sigterm']);
    const events: string[] = [];
    const result = await killPort(fixture.port, {
      timeoutMs: 200,
      onEvent: (e) => events.push(e.type),
    });
    expect(result.escalated).toEqual([fixture.pid]);
    expect(result.freed).toBe(true);
    expect(events).toContain('escalate');
    expect(await endsSoon(fixture.pid)).toBe(true);
  });

  it('signals every pid sharing the socket', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0', '--share']);
    const result = await killPort(fixture.port, { timeoutMs: 2_000 });
    expect(result.targets.map((t) => t.pid).sort()).toEqual(
      [fixture.pid, fixture.sharedWith].sort(),
    );
    expect(result.freed).toBe(true);
    expect(await endsSoon(fixture.sharedWith!)).toBe(true);
  });

  it('stops siblings that share a socket their parent closed, leaving the parent', async () => {
    const fixture = await startFixture('listen-siblings.mjs');
    const [first, second] = fixture.children;
    const result = await killPort(fixture.port, { timeoutMs: 2_000 });
    expect(result.targets.map((t) => t.pid).sort()).toEqual([first, second].sort());
    expect(result.freed).toBe(true);
    expect(await endsSoon(first!)).toBe(true);
    expect(await endsSoon(second!)).toBe(true);
    expect(gone(fixture.pid)).toBe(false);
  });

  it('signals a pre-fork master before its workers, with its whole tree', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0', '--share']);
    const { signalled, done } = killRecording(fixture.port, { timeoutMs: 2_000 });
    const result = await done;
    expect(signalled[0]).toBe(fixture.pid);
    expect(result.targets.find((t) => t.pid === fixture.pid)?.role).toBe('holder');
    expect(result.freed).toBe(true);
  });

  it('refuses, sending nothing, when this process shares the socket with the worker it started', async () => {
    // The worker is found first (this process is read last), and climbing to its parent
    // finds this process holding the same listener.
    const { server, port } = await listenHere('127.0.0.1');
    const handle = (server as unknown as { _handle: { fd: number } })._handle;
    const worker = spawn(process.execPath, [fixturePath('listen-fd.mjs')], {
      stdio: ['ignore', 'pipe', 'inherit', handle.fd],
    });
    onTestFinished(() => killQuietly(worker.pid));
    await once(worker.stdout!, 'data');
    await expectRefusedSendingNothing(port, process.pid, process.pid);
    expect(gone(worker.pid!)).toBe(false);
  });

  it('refuses, sending nothing, when an ancestor of the caller shares the socket', async () => {
    // The caller stands in as a child of the fixture, whose forked worker also holds it.
    const fixture = await startFixture('listen.mjs', [
      '127.0.0.1',
      '0',
      '--share',
      '--children',
      '1',
    ]);
    await expectRefusedSendingNothing(fixture.port, fixture.children[0]!, fixture.pid);
    expect(gone(fixture.sharedWith!)).toBe(false);
  });

  it("refuses, sending nothing, when the caller's ancestor shares a socket its newest holder got from elsewhere", async () => {
    // The worker holding the socket descends from another process now gone, so walking up
    // from it never meets the listener; only reading the caller's own ancestors does.
    const fixture = await startFixture('listen-orphan.mjs');
    await expectRefusedSendingNothing(fixture.port, fixture.children[0]!, fixture.pid);
    expect(gone(fixture.sharedWith!)).toBe(false);
  });

  it('leaves alone a process that took the socket over after the signal, and says the port is held', async () => {
    const fixture = await startFixture('handover.mjs');
    const result = await killPort(fixture.port, { timeoutMs: 2_000 });
    const successor = result.after.listeners[0]?.processes[0]?.pid;
    onTestFinished(() => {
      if (successor)
        try {
          process.kill(successor, 'SIGKILL');
        } catch {}
    });
    expect(result.targets.map((t) => t.pid)).toEqual([fixture.pid]);
    expect(result.freed).toBe(false);
    expect(successor).toBeDefined();
    expect(successor).not.toBe(fixture.pid);
    expect(gone(successor!)).toBe(false);
    expect(await endsSoon(fixture.pid)).toBe(true);
  });

  it('stops the holder of a port held only by a connection, with its tree, and refuses an ancestor', async () => {
    const refused = await connectionOnly();
    await expectRefusedSendingNothing(refused.port, refused.children[0]!, refused.pid);
    expect(gone(refused.pid)).toBe(false);
    const fixture = await connectionOnly();
    const result = await killPort(fixture.port, { timeoutMs: 2_000 });
    expect(result.before.status).toBe('connections-only');
    expect(result.targets.map((t) => [t.pid, t.role])).toEqual([
      [fixture.pid, 'holder'],
      [fixture.children[0], 'descendant'],
    ]);
    expect(await endsSoon(fixture.pid)).toBe(true);
  });

  it('takes the process tree of a holder with it', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0', '--children', '2']);
    const result = await killPort(fixture.port);
    const descendants = result.targets.filter((t) => t.role === 'descendant').map((t) => t.pid);
    expect(descendants.sort()).toEqual([...fixture.children].sort());
    for (const pid of fixture.children) expect(gone(pid)).toBe(true);
  });

  it('sends nothing on a dry run', async () => {
    const fixture = await startFixture('listen.mjs', ['::1', '0']);
    const result = await killPort(fixture.port, { dryRun: true });
    expect(result.targets.map((t) => t.pid)).toEqual([fixture.pid]);
    expect(gone(fixture.pid)).toBe(false);
    expect((await whoHolds(fixture.port)).status).toBe('listening');
  });

  it('reports a free port without signalling anything', async () => {
    const { port, server } = await listenHere('127.0.0.1');
    await new Promise((resolve) => server.close(resolve));
    const result = await killPort(port);
    expect(result.before.status).toBe('free');
    expect(result.targets).toEqual([]);
  });

  it('refuses to signal itself', async () => {
    const { port, server } = await listenHere('127.0.0.1');
    await expect(killPort(port)).rejects.toMatchObject({ code: 'KILL_REFUSED', pid: process.pid });
    expect(server.listening).toBe(true);
  });

  it('refuses to signal an ancestor of the caller', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0', '--children', '1']);
    // Pretend portier runs as the fixture's child: the holder is then its parent.
    await expect(killPort(fixture.port, { selfPid: fixture.children[0] })).rejects.toMatchObject({
      code: 'KILL_REFUSED',
    });
    expect(gone(fixture.pid)).toBe(false);
  });

  it('turns EPERM into KILL_PERMISSION_DENIED', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0']);
    const sendSignal = () => {
      throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
    };
    await expect(killPort(fixture.port, { sendSignal })).rejects.toMatchObject({
      code: 'KILL_PERMISSION_DENIED',
      pid: fixture.pid,
    });
  });

  it('rejects a bad port with INVALID_PORT', async () => {
    await expect(killPort(0)).rejects.toMatchObject({ code: 'INVALID_PORT' });
  });
});
