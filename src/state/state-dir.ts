import { join } from 'node:path';

/**
 * The per-user state directory: `$PORTIER_STATE_DIR`, else `$XDG_STATE_HOME/portier`, else
 * `~/.local/state/portier` (`%LOCALAPPDATA%\portier` on Windows). Takes the environment as a
 * parameter: only the CLI reads `process.env`. The home directory is `home`, else `$HOME` of
 * `env`, else the operating system's answer (`node:os` is loaded only then: every CLI command
 * resolves this directory, and most would load that module for nothing).
 */
export function resolveStateDir(
  env: Readonly<Record<string, string | undefined>> = {},
  home?: string,
): string {
  if (env.PORTIER_STATE_DIR) return env.PORTIER_STATE_DIR;
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, 'portier');
  if (env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'portier');
  const base = home ?? (env.HOME || process.getBuiltinModule('node:os').homedir());
  return join(base, '.local', 'state', 'portier');
}
