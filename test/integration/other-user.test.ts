import { beforeAll, describe, expect, it } from 'vitest';
import type { Listener, PortHolders } from '../../src/index.js';
import { assertCliBuilt, runCli } from '../helpers/cli.js';
import { startFixture } from '../helpers/fixtures.js';
import { asUid, NOBODY_UID, otherUserSkipReason, VIEWER_UID } from '../helpers/other-user.js';

// A listener of user nobody, seen by portier running as another unprivileged uid: the kernel
// shows the socket and its uid in /proc/net/tcp but refuses /proc/<pid>/fd, so the owner is
// hidden. portier must say so instead of calling the port free (DESIGN.md section 7).
const skipReason = otherUserSkipReason();
if (skipReason) console.warn(`Skipping the other-user socket tests: ${skipReason}.`);

describe.skipIf(skipReason !== undefined)('a socket of another user', () => {
  beforeAll(assertCliBuilt);

  async function startNobodyListener() {
    return startFixture('listen.mjs', ['127.0.0.1', '0'], asUid(NOBODY_UID));
  }

  it('`portier who --json` keeps it with ownerHidden and the uid; the text says owner not visible', async () => {
    const fixture = await startNobodyListener();
    const json = await runCli(['who', String(fixture.port), '--json'], {
      wrapper: asUid(VIEWER_UID),
    });
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const holders = JSON.parse(json.stdout) as PortHolders;
    expect(holders.status).toBe('hidden-owner');
    expect(holders.listeners).toHaveLength(1);
    expect(holders.listeners[0]).toMatchObject({
      address: '127.0.0.1',
      port: fixture.port,
      ownerHidden: true,
      uid: NOBODY_UID,
      processes: [],
    });

    const text = await runCli(['who', String(fixture.port)], { wrapper: asUid(VIEWER_UID) });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('owner not visible');
    expect(text.stdout).toContain(`uid ${NOBODY_UID}`);
  });

  it('`portier ls --json` lists it with ownerHidden and the uid; the table says owner not visible', async () => {
    const fixture = await startNobodyListener();
    const json = await runCli(['ls', '--json'], { wrapper: asUid(VIEWER_UID) });
    expect(json.code).toBe(0);
    const mine = (JSON.parse(json.stdout) as Listener[]).filter((l) => l.port === fixture.port);
    expect(mine).toEqual([
      expect.objectContaining({ ownerHidden: true, uid: NOBODY_UID, processes: [] }),
    ]);

    const text = await runCli(['ls'], { wrapper: asUid(VIEWER_UID) });
    expect(text.code).toBe(0);
    const row = text.stdout
      .split('\n')
      .find((line) => new RegExp(`^tcp\\s+127\\.0\\.0\\.1\\s+${fixture.port}\\s`).test(line));
    expect(row).toContain('owner not visible');
  });

  it('root, by contrast, sees the owner: the fixture pid under uid nobody', async () => {
    const fixture = await startNobodyListener();
    const run = await runCli(['who', String(fixture.port), '--json']);
    const holders = JSON.parse(run.stdout) as PortHolders;
    expect(holders.listeners[0]).toMatchObject({ ownerHidden: false, uid: NOBODY_UID });
    expect(holders.listeners[0]!.processes.map((p) => p.pid)).toEqual([fixture.pid]);
  });
});
