import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { PortierError } from '../../errors.js';
import { hasControlCharacter } from './postgres-args.js';

/**
 * The password of a built-in PostgreSQL: random on first use, then kept (mode 0600, in the
 * private per-service state directory) so DATABASE_URL is the same on every run.
 */

/** Random bytes in a new password (24 base64url characters: URL-safe, no escaping needed). */
const PASSWORD_BYTES = 18;

/** A new random password. */
export function createPassword(random: (size: number) => Buffer = randomBytes): string {
  return random(PASSWORD_BYTES).toString('base64url');
}

/** The password stored at `path`, made and stored when there is none. */
export function readOrCreatePassword(
  path: string,
  random: (size: number) => Buffer = randomBytes,
): string {
  for (;;) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const password = createPassword(random);
      try {
        // `wx`: of two racing first runs, one writes and the other reads what it wrote.
        writeFileSync(path, `${password}\n`, { mode: 0o600, flag: 'wx' });
        return password;
      } catch (writeError) {
        if ((writeError as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw writeError;
      }
    }
    // A newline would end the single-user statement that sets it.
    if (text === '' || hasControlCharacter(text))
      throw new PortierError(
        'POSTGRES_UNAVAILABLE',
        `The PostgreSQL password file ${path} is empty or has a control character.`,
        { path, hint: `Delete ${path}; portier makes a new password on the next start.` },
      );
    return text;
  }
}
