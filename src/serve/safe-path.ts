import { sep } from 'node:path';

/** Where a URL path leads inside the served root, or why it does not. */
export type SafePath =
  | {
      ok: true /** Absolute file-system path inside the root. */;
      path: string /** Decoded segments below the root. */;
      segments: string[];
    }
  | { ok: false; status: 400 | 403 | 404; reason: string };

/** Options of {@link resolveSafePath}. */
export interface SafePathOptions {
  /** Serve names starting with a dot (`.env`, `.git/`). Default false. */
  dotfiles?: boolean;
}

/**
 * Maps a URL path (without query) to a file inside `root`, or refuses it. Decodes once —
 * `%252e%252e` stays the literal name `%2e%2e` — rejects invalid encodings (overlong UTF-8
 * such as `%c0%ae`), NUL, backslashes and `..` segments, hides dotfiles unless allowed, and
 * checks the joined path is `root` itself or below `root + sep`, so a sibling sharing the
 * root's prefix (`www-secret` beside `www`) is never reached. `root` must be absolute and
 * normalised. Symlinks are checked by the caller against the real path.
 */
export function resolveSafePath(
  root: string,
  urlPath: string,
  options: SafePathOptions = {},
): SafePath {
  if (!urlPath.startsWith('/'))
    return { ok: false, status: 400, reason: 'the path does not start with /' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { ok: false, status: 400, reason: 'the path is not valid percent-encoded UTF-8' };
  }
  if (decoded.includes('\0'))
    return { ok: false, status: 400, reason: 'the path contains a NUL byte' };
  if (decoded.includes('\\'))
    return { ok: false, status: 400, reason: 'the path contains a backslash' };
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..'))
    return { ok: false, status: 403, reason: 'the path leaves the served folder' };
  if (!options.dotfiles && segments.some((s) => s.startsWith('.') && s !== '.well-known')) {
    return { ok: false, status: 404, reason: 'dotfiles are hidden' };
  }
  const base = root.endsWith(sep) ? root.slice(0, -1) : root;
  const path = segments.length === 0 ? base : `${base}${sep}${segments.join(sep)}`;
  if (path !== base && !path.startsWith(base + sep))
    return { ok: false, status: 403, reason: 'the path leaves the served folder' };
  return { ok: true, path, segments };
}

/** True when `real` (a resolved real path) is `realRoot` or inside it. */
export function isInsideRoot(realRoot: string, real: string): boolean {
  const base = realRoot.endsWith(sep) ? realRoot.slice(0, -1) : realRoot;
  return real === base || real.startsWith(base + sep);
}
