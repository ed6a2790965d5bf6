import { createHash } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { PortierError } from '../../errors.js';
import { validateOwnedDir } from './readable-native-copy.js';
import { canReach, type ServerUser } from './server-user.js';

/**
 * Where a built-in PostgreSQL keeps its cluster, and what state that directory is in.
 *
 * The data directory is `<dataRoot>/data` when the server user can reach it. As root it usually
 * cannot (the state directory lives under /root, mode 0700), so the cluster moves to
 * `<sharedRoot>/portier-postgres-<hash of dataRoot>/data`: the same place on every run, so the
 * data persists, while the password stays in the private `dataRoot`.
 */

/** Directory name, under the shared root, of the cluster for `dataRoot`. */
export function relocatedName(dataRoot: string): string {
  const hash = createHash('sha256').update(dataRoot).digest('hex').slice(0, 16);
  return `portier-postgres-${hash}`;
}

/**
 * The data directory for `dataRoot` (which must exist). Creates the relocation parent (owned by
 * us, mode 0711: the server user may pass, not list) when the server user cannot reach
 * `dataRoot`; refuses one that someone else made.
 */
export function resolveDataDir(
  dataRoot: string,
  user: ServerUser | undefined,
  sharedRoot: string,
  uid: number,
): string {
  if (user === undefined || canReach(dataRoot, user)) return join(dataRoot, 'data');
  const parent = join(sharedRoot, relocatedName(dataRoot));
  mkdirSync(parent, { recursive: true, mode: 0o711 });
  validateOwnedDir(parent, uid);
  if (!canReach(parent, user))
    throw new PortierError(
      'POSTGRES_UNAVAILABLE',
      `PostgreSQL runs as uid ${user.uid} (nobody), which can reach neither ${dataRoot} nor ${parent}.`,
      {
        path: parent,
        hint: `Let every user pass through ${sharedRoot} (chmod o+x, as /var/tmp is).`,
      },
    );
  return join(parent, 'data');
}

/** What is in a data directory. */
export type DataDirState =
  /** Nothing there yet (absent or empty): initdb makes a cluster. */
  | { kind: 'new' }
  /** A cluster made by PostgreSQL `major`. */
  | { kind: 'cluster'; major: string }
  /** Files, but not a whole cluster: `missing` names what is not there. */
  | { kind: 'damaged'; missing: string };

/** Files every cluster has; one missing means initdb did not finish or files were deleted. */
const CLUSTER_FILES = ['PG_VERSION', 'postgresql.conf', 'global/pg_control'];

/** Reads the state of `dataDir`. */
export function inspectDataDir(dataDir: string): DataDirState {
  let entries: string[];
  try {
    entries = readdirSync(dataDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'new' };
    throw error;
  }
  if (entries.length === 0) return { kind: 'new' };
  const missing = CLUSTER_FILES.find((file) => !existsSync(join(dataDir, file)));
  if (missing !== undefined) return { kind: 'damaged', missing };
  return { kind: 'cluster', major: readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim() };
}

/**
 * Creates `dataDir` (mode 0700, as PostgreSQL requires) owned by the server user, so that
 * initdb, running as that user, can fill it.
 */
export function createDataDir(dataDir: string, user: ServerUser | undefined): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (user) chownSync(dataDir, user.uid, user.gid);
}

/** Writes a file in the data directory owned by the server user, mode 0600. */
export function writeServerFile(path: string, text: string, user: ServerUser | undefined): void {
  writeFileSync(path, text, { mode: 0o600 });
  if (user) chownSync(path, user.uid, user.gid);
}
