import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The per-user state directory: `$PORTIER_STATE_DIR`, else `$XDG_STATE_HOME/portier`, else
 * `~/.local/state/portier` (`%LOCALAPPDATA%\portier` on Windows). Takes the environment as a
 * parameter: only the CLI reads `process.env`.
 */
export function resolveStateDir(
  env: Readonly<Record<string, string | undefined>> = {},
  home = homedir(),
): string {
  if (env.PORTIER_STATE_DIR) return env.PORTIER_STATE_DIR;
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, 'portier');
  if (env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'portier');
  return join(home, '.local', 'state', 'portier');
}
