import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Who the built-in PostgreSQL runs as. PostgreSQL refuses to start as root ("root execution of
 * the PostgreSQL server is not permitted"), so when portier runs as root (containers, CI) the
 * server runs as `nobody` through spawn's uid/gid, and every path it uses must be reachable by
 * that user.
 */

/** uid and gid of `nobody` (and of its group, `nogroup`/`nobody`) on Linux and macOS. */
export const NOBODY_ID = 65_534;

/** The user a server process runs as. */
export interface ServerUser {
  uid: number;
  gid: number;
}

/**
 * A small, fixed environment for initdb and postgres: the caller's HOME, TMPDIR and the like may
 * point where `nobody` cannot read, and LC_ALL=C keeps messages parseable.
 */
export const SERVER_ENV: Readonly<Record<string, string>> = Object.freeze({
  PATH: '/usr/bin:/bin',
  LC_ALL: 'C',
  LANG: 'C',
});

/** The user to run a server as: `nobody` when `uid` is root, else undefined (stay as we are). */
export function serverUserFor(uid: number | undefined): ServerUser | undefined {
  return uid === 0 ? { uid: NOBODY_ID, gid: NOBODY_ID } : undefined;
}

/** Owner, group and permission bits of a directory. */
export interface DirAccess {
  mode: number;
  uid: number;
  gid: number;
}

/**
 * True when `user` may search (`x`) every directory of `chain` under the classic owner/group/other
 * rule. ACLs are not considered; a wrong answer there only moves the data directory. Node's
 * spawn with uid/gid drops supplementary groups, so only the primary group counts.
 */
export function canTraverse(chain: readonly DirAccess[], user: ServerUser): boolean {
  return chain.every((dir) => {
    if (dir.uid === user.uid) return (dir.mode & 0o100) !== 0;
    if (dir.gid === user.gid) return (dir.mode & 0o010) !== 0;
    return (dir.mode & 0o001) !== 0;
  });
}

/** `/a/b/c` → `['/', '/a', '/a/b', '/a/b/c']`. */
export function pathChain(path: string): string[] {
  const chain: string[] = [];
  let current = resolve(path);
  for (;;) {
    chain.unshift(current);
    const parent = dirname(current);
    if (parent === current) return chain;
    current = parent;
  }
}

/**
 * True when `user` can reach `dir` (search every directory from `/` down to it). A directory that
 * does not exist cannot be reached.
 */
export function canReach(
  dir: string,
  user: ServerUser,
  stat: (path: string) => DirAccess = statSync,
): boolean {
  try {
    return canTraverse(pathChain(dir).map(stat), user);
  } catch {
    return false;
  }
}
