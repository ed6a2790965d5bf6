import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { doorStatus, ensureDoor, stopDoor } from '../../src/door/door-process.js';
import { readDoorRecord } from '../../src/door/door-record.js';
import { pickPort } from '../../src/ports/pick-port.js';
import { identifyProcess, isPidAlive } from '../../src/ports/process-liveness.js';
import { fixturePath, killQuietly } from '../helpers/fixtures.js';
import { listenHere } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A free port for one door, and the door stopped when the test ends. */
async function doorSetup(cli = fixturePath('fake-door.mjs')) {
  const stateDir = tempDir();
  const { port } = await pickPort({ stateDir: tempDir() });
  onTestFinished(async () => {
    const record = readDoorRecord(stateDir);
    if (record) killQuietly(record.pid);
  });
  return { stateDir, port, options: { cliPath: cli, port } };
}

async function get(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/`)).text();
}

describe('ensureDoor', () => {
  it('starts the door detached once; later calls find it; stopDoor ends it', async () => {
    const { stateDir, port, options } = await doorSetup();
    const first = await ensureDoor(stateDir, options);
    expect(first).toMatchObject({ started: true, record: { port } });
    expect(await get(port)).toBe('fake door\n');
    const again = await ensureDoor(stateDir, options);
    expect(again).toMatchObject({ started: false, record: { pid: first.record.pid } });
    expect(await doorStatus(stateDir)).toMatchObject({
      running: true,
      answering: true,
      pid: first.record.pid,
      port,
    });
    expect(await stopDoor(stateDir)).toEqual({ pid: first.record.pid, forced: false });
    expect(identifyProcess(first.record.pid)).toBeUndefined();
    expect(await doorStatus(stateDir)).toEqual({ running: false });
    expect(await stopDoor(stateDir)).toBeUndefined();
  });

  it('starts one door for many callers at once', async () => {
    const { stateDir, options } = await doorSetup();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => ensureDoor(stateDir, options)),
    );
    expect(new Set(results.map((r) => r.record.pid)).size).toBe(1);
    expect(results.filter((r) => r.started)).toHaveLength(1);
  });

  it('says who holds the port when something else answers there', async () => {
    const { stateDir } = await doorSetup();
    const { port } = await listenHere('127.0.0.1');
    const error = await ensureDoor(stateDir, { cliPath: fixturePath('fake-door.mjs'), port }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'PORT_IN_USE', port, pid: process.pid });
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    expect(readDoorRecord(stateDir)).toBeUndefined();
  });

  it('reports a door that dies while starting, with the end of door.log', async () => {
    const { stateDir, port } = await doorSetup();
    const cliPath = join(tempDir(), 'broken-door.mjs');
    writeFileSync(cliPath, "process.stderr.write('door: config is broken\\n'); process.exit(3);\n");
    const error = await ensureDoor(stateDir, { cliPath, port }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SERVE_BIND_FAILED', path: join(stateDir, 'door.log') });
    expect((error as Error).message).toContain('exit 3');
    expect((error as Error).message).toContain('door: config is broken');
    expect(readFileSync(join(stateDir, 'door.log'), 'utf8')).toContain('config is broken');
  });

  it('forgets a record whose process ended', async () => {
    const { stateDir, options } = await doorSetup();
    const { record } = await ensureDoor(stateDir, options);
    process.kill(record.pid, 'SIGKILL');
    while (isPidAlive(record.pid) && readDoorRecord(stateDir))
      await new Promise((r) => setTimeout(r, 10));
    expect(await doorStatus(stateDir)).toEqual({ running: false });
    const next = await ensureDoor(stateDir, options);
    expect(next.started).toBe(true);
    expect(next.record.pid).not.toBe(record.pid);
  });
});
