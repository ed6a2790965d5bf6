import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { identifyProcess, isSameProcessAlive } from '../ports/process-liveness.js';
import { writeFileAtomic } from '../state/atomic-write.js';
import { readTextIfPresent } from '../state/read-optional.js';

/**
 * `door.json` in the state directory: which process is the door and on which port. The door
 * writes it once it listens and removes it when it stops; readers drop a record whose
 * process ended (pid and start time, so a reused pid is not taken for the door).
 */

/** File name of the door's record inside the state directory. */
export const DOOR_FILE = 'door.json';

/** The running door, as written to `door.json`. */
export interface DoorRecord {
  pid: number;
  /** Linux start time in clock ticks. */
  startTime?: number;
  /** The port it listens on, on 127.0.0.1 and ::1. */
  port: number;
  /** Epoch ms when it started listening. */
  startedAt: number;
}

/** The path of `door.json` in `stateDir`. */
export function doorRecordPath(stateDir: string): string {
  return join(stateDir, DOOR_FILE);
}

/**
 * The live door's record, or undefined; a record of a process that ended is removed, a
 * damaged one is ignored.
 */
export function readDoorRecord(stateDir: string, procRoot = '/proc'): DoorRecord | undefined {
  const path = doorRecordPath(stateDir);
  const text = readTextIfPresent(path);
  if (text === undefined) return undefined;
  let record: Partial<DoorRecord>;
  try {
    record = JSON.parse(text) as Partial<DoorRecord>;
  } catch {
    // Not ours to delete: a door writes atomically, so this is someone else's damage; the
    // next door's record replaces it.
    return undefined;
  }
  if (typeof record?.pid !== 'number' || typeof record.port !== 'number') return undefined;
  if (!isSameProcessAlive({ pid: record.pid, startTime: record.startTime }, procRoot)) {
    rmSync(path, { force: true });
    return undefined;
  }
  return record as DoorRecord;
}

/** Writes this process's record as the door listening on `port`; returns it. */
export function writeDoorRecord(stateDir: string, port: number, procRoot = '/proc'): DoorRecord {
  const identity = identifyProcess(process.pid, procRoot);
  const record: DoorRecord = {
    pid: process.pid,
    ...(identity?.startTime === undefined ? {} : { startTime: identity.startTime }),
    port,
    startedAt: Date.now(),
  };
  writeFileAtomic(doorRecordPath(stateDir), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/** Removes the record if it is `pid`'s (default: this process's). */
export function removeDoorRecord(stateDir: string, pid = process.pid): void {
  const path = doorRecordPath(stateDir);
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as DoorRecord;
    if (record.pid === pid) rmSync(path, { force: true });
  } catch {
    // Missing or damaged: nothing of ours to remove.
  }
}
