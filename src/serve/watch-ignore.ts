/**
 * Which changed paths under the served root live reload leaves alone: version-control and
 * dependency folders, and the scratch files editors write while a file is being edited.
 */

/** Folders never watched nor reported, at any depth. */
export const IGNORED_FOLDERS: readonly string[] = ['.git', 'node_modules'];

/**
 * Editor scratch files. Vim rewrites `.x.swp` every few seconds while typing and creates `4913`
 * to test the folder before each save; Emacs writes `.#x` locks and `#x#` autosaves; many
 * editors leave `x~` backups. Reloading for them would reload the page while the user types.
 */
const SCRATCH_FILE = /(^|\/)(4913|\.#[^/]*|#[^/]*#|[^/]*~|\.[^/]*\.sw[a-z]|\.DS_Store)$/;

/** Whether `folderName` (one path segment) is a folder live reload never descends into. */
export function isIgnoredFolder(folderName: string): boolean {
  return IGNORED_FOLDERS.includes(folderName);
}

/**
 * Whether a change to `relativePath` (relative to the served root, `/` or `\` separated) is
 * one live reload ignores: inside an {@link IGNORED_FOLDERS} folder, or an editor scratch file.
 */
export function isIgnoredChange(relativePath: string): boolean {
  const path = relativePath.replaceAll('\\', '/');
  return path.split('/').some(isIgnoredFolder) || SCRATCH_FILE.test(path);
}
