import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { readDoorRecord } from '../../src/door/door-record.js';
import { pickPort } from '../../src/ports/pick-port.js';
import { killQuietly } from './fixtures.js';

/** Environment for CLI runs with their own state directory and door port. */
export interface DoorTestEnv {
  env: Record<string, string>;
  stateDir: string;
  /** A free port for the door (PORTIER_DOOR_PORT), so tests never touch 57573. */
  doorPort: number;
}

/**
 * A fresh state directory and a free door port. When the test ends, the door started for it
 * (if any) is killed by the pid in its `door.json`, then the directory is removed.
 */
export async function doorTestEnv(): Promise<DoorTestEnv> {
  const stateDir = mkdtempSync(join(tmpdir(), 'portier-door-'));
  // Leased to this worker, so the `run` under test does not pick the door's port for its app.
  const { port } = await pickPort({ stateDir, ttlMs: 600_000 });
  onTestFinished(() => {
    const record = readDoorRecord(stateDir);
    if (record) killQuietly(record.pid);
    rmSync(stateDir, { recursive: true, force: true });
  });
  return {
    env: { PORTIER_STATE_DIR: stateDir, PORTIER_DOOR_PORT: String(port) },
    stateDir,
    doorPort: port,
  };
}

/** GET `path` from the door on 127.0.0.1 with this Host header; status and body. */
export function getThroughDoor(
  doorPort: number,
  host: string,
  path = '/',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: doorPort, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from the door for ${host}`)));
    req.on('error', reject);
    req.end();
  });
}
