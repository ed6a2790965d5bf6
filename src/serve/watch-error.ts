/**
 * Why live reload stopped, as an Error whose message says what happened and how to fix it;
 * the original error is its `cause` (with `code`, such as ENOSPC, kept on `code`).
 */
export class LiveReloadWatchError extends Error {
  /** The system error code (`ENOSPC`, `EMFILE`, `ENOENT`, …), when there was one. */
  readonly code: string | undefined;
  /** The watched root folder, absolute. */
  readonly path: string;

  constructor(root: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    super(describeWatchFailure(root, code, cause), { cause });
    this.name = 'LiveReloadWatchError';
    this.code = code;
    this.path = root;
  }
}

/** The message of {@link LiveReloadWatchError}; pure. */
export function describeWatchFailure(
  root: string,
  code: string | undefined,
  cause: unknown,
): string {
  const off = `Live reload is off: watching ${root} for changes failed`;
  const orOff = 'or run with --no-reload';
  switch (code) {
    case 'ENOSPC':
      return `${off} because the system limit on inotify watches is reached (ENOSPC). Raise it with \`sudo sysctl fs.inotify.max_user_watches=524288\`, serve a smaller folder, ${orOff}.`;
    case 'EMFILE':
      return `${off} because too many files are open (EMFILE). Raise the limit (\`ulimit -n\`; on Linux also \`sudo sysctl fs.inotify.max_user_instances=512\`), ${orOff}.`;
    case 'ENOENT':
      return `${off} because the folder does not exist (ENOENT). Create it, serve another folder, ${orOff}.`;
    default: {
      const detail = cause instanceof Error ? cause.message : String(cause);
      return `${off}: ${detail}. Serve another folder, ${orOff}.`;
    }
  }
}
