import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PortierError } from '../errors.js';
import { identifyProcess, isSameProcessAlive } from '../ports/process-liveness.js';
import { writeFileAtomic } from '../state/atomic-write.js';
import { readTextIfPresent } from '../state/read-optional.js';

/** Where a project's stack keeps its files: `<state dir>/stacks/<dir name>-<hash of root>`. */
export function projectStateDir(stateDir: string, root: string): string {
  const hash = createHash('sha256').update(root).digest('hex').slice(0, 10);
  const name =
    basename(root)
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 40) || 'root';
  return join(stateDir, 'stacks', `${name}-${hash}`);
}

/** The running supervisor of a project, as written to `supervisor.json`. */
export interface SupervisorRecord {
  pid: number;
  /** Linux start time in clock ticks, so a reused pid is not taken for the supervisor. */
  startTime?: number;
  project: string;
  root: string;
  file: string;
  /** Unix socket of the control API. */
  socket: string;
  startedAt: number;
}

const RECORD_FILE = 'supervisor.json';
const PORTS_FILE = 'ports.json';

/**
 * Creates the project directory, 0711: others may pass through but not list it. Its files are
 * 0600 (logs, records, the database password), and the built-in PostgreSQL, which runs as
 * `nobody` when we are root, must reach its data directory below.
 */
export function ensureProjectDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o711 });
    chmodSync(dir, 0o711);
  } catch (error) {
    throw new PortierError(
      'STATE_DIR_UNUSABLE',
      `Cannot create ${dir}: ${(error as Error).message}`,
      {
        path: dir,
        hint: 'Set PORTIER_STATE_DIR to a writable directory.',
        cause: error,
      },
    );
  }
}

/** The live supervisor of the project, or undefined (a stale record is removed). */
export function readSupervisorRecord(
  dir: string,
  procRoot = '/proc',
): SupervisorRecord | undefined {
  const path = join(dir, RECORD_FILE);
  const text = readTextIfPresent(path);
  if (text === undefined) return undefined;
  let record: SupervisorRecord;
  try {
    record = JSON.parse(text) as SupervisorRecord;
  } catch {
    rmSync(path, { force: true });
    return undefined;
  }
  if (typeof record.pid !== 'number' || !isSameProcessAlive(record, procRoot)) {
    rmSync(path, { force: true });
    return undefined;
  }
  return record;
}

/** Writes this process's record. */
export function writeSupervisorRecord(
  dir: string,
  record: Omit<SupervisorRecord, 'pid' | 'startTime'>,
  procRoot = '/proc',
): SupervisorRecord {
  const identity = identifyProcess(process.pid, procRoot);
  const full: SupervisorRecord = {
    pid: process.pid,
    ...(identity?.startTime === undefined ? {} : { startTime: identity.startTime }),
    ...record,
  };
  writeFileAtomic(join(dir, RECORD_FILE), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}

/** Removes the record if it is this process's. */
export function removeSupervisorRecord(dir: string, pid = process.pid): void {
  const path = join(dir, RECORD_FILE);
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as SupervisorRecord;
    if (record.pid === pid) rmSync(path, { force: true });
  } catch {}
}

/** Ports given to the project's services last time, so each gets the same one again. */
export function readRememberedPorts(dir: string): Record<string, number> {
  try {
    const data = JSON.parse(readFileSync(join(dir, PORTS_FILE), 'utf8')) as Record<string, unknown>;
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(data)) if (typeof v === 'number') out[k] = v;
    return out;
  } catch {
    return {};
  }
}

/** Stores the ports given this time. */
export function rememberPorts(dir: string, ports: Readonly<Record<string, number>>): void {
  writeFileAtomic(join(dir, PORTS_FILE), `${JSON.stringify(ports, null, 2)}\n`);
}
