import { execFileSync } from 'node:child_process';

/** uid of `nobody` on Debian-like systems: the owner of the "other user's" listener. */
export const NOBODY_UID = 65534;

/** An unprivileged uid (not root, not nobody) that runs portier in the other-user tests. */
export const VIEWER_UID = 1000;

function findSetpriv(): string | undefined {
  try {
    return (
      execFileSync('sh', ['-c', 'command -v setpriv'], { encoding: 'utf8' }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/** Absolute path of setpriv(1), or undefined when it is not installed. */
export const SETPRIV = findSetpriv();

/**
 * Why the other-user tests cannot run here, or undefined when they can: switching uid needs
 * root and setpriv(1).
 */
export function otherUserSkipReason(): string | undefined {
  if (process.platform !== 'linux') return `they need Linux /proc (this is ${process.platform})`;
  if (process.getuid?.() !== 0)
    return `switching uid needs root (running as uid ${process.getuid?.()})`;
  if (!SETPRIV) return 'setpriv(1) is not installed (util-linux)';
  return undefined;
}

/**
 * Command prefix running a program as `uid` with a clean environment: variables such as
 * NODE_EXTRA_CA_CERTS or HOME may point at root-only files the other uid cannot read.
 */
export function asUid(uid: number): string[] {
  return [
    'env',
    '-i',
    'PATH=/usr/local/bin:/usr/bin:/bin',
    'NO_COLOR=1',
    SETPRIV ?? 'setpriv',
    `--reuid=${uid}`,
    `--regid=${uid}`,
    '--clear-groups',
  ];
}
