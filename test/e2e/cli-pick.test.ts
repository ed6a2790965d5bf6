import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { listenHere } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('portier pick', () => {
  it('never prints the same port to 20 processes started at the same moment', async () => {
    const env = { PORTIER_STATE_DIR: tempDir() };
    // A narrow range makes a collision likely if the ledger did not serialise the picks.
    const runs = await Promise.all(
      Array.from({ length: 20 }, () =>
        runCli(['pick', '--range', '61100-61130'], { env, timeoutMs: 30_000 }),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const ports = runs.map((run) => Number(run.stdout.trim()));
    expect(ports.every((p) => p >= 61100 && p <= 61130)).toBe(true);
    expect(new Set(ports).size).toBe(20);
  });

  it('prints one port per line with --count and the library shape with --json', async () => {
    const env = { PORTIER_STATE_DIR: tempDir() };
    const plain = await runCli(['pick', '--count', '3'], { env });
    expect(plain.stdout.trim().split('\n')).toHaveLength(3);
    const json = await runCli(['pick', '--json', '--prefer', '61200', '--range', '61200-61210'], {
      env,
    });
    const result = JSON.parse(json.stdout);
    expect(Object.keys(result).sort()).toEqual(['leases', 'port', 'ports', 'range']);
    expect(result.port).toBe(61200);
    expect(result.leases[0]).toMatchObject({ port: 61200, pid: process.pid });
  });

  it('exits 3 with NO_FREE_PORT when every port of the range is taken', async () => {
    const { port } = await listenHere('127.0.0.1');
    const run = await runCli(['pick', '--range', `${port}-${port}`, '--json'], {
      env: { PORTIER_STATE_DIR: tempDir() },
    });
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout).error.code).toBe('NO_FREE_PORT');
  });
});
