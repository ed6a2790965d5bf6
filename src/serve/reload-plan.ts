/** What open pages are told after a batch of changes. */
export type ReloadEvent =
  /** Reload the whole page; `path` is the first changed file that needs it. */
  | { type: 'reload'; path: string }
  /** Re-fetch the stylesheet at `path` (relative to the served root) in place. */
  | { type: 'css'; path: string };

/** Whether `path` is a stylesheet the browser can swap without a reload. */
export function isStylesheetPath(path: string): boolean {
  return path.toLowerCase().endsWith('.css');
}

/**
 * Turns one batch of changed paths (relative to the served root) into events: one `css` event
 * per stylesheet when only stylesheets changed, otherwise a single `reload` (a reload fetches
 * the stylesheets too). An empty batch gives no event.
 */
export function planReloadEvents(paths: readonly string[]): ReloadEvent[] {
  const other = paths.find((path) => !isStylesheetPath(path));
  if (other !== undefined) return [{ type: 'reload', path: other }];
  return paths.map((path) => ({ type: 'css', path }));
}
