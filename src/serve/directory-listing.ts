import type { Dirent } from 'node:fs';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/**
 * An HTML index of a directory. Names are HTML-escaped and links percent-encoded, so a file
 * named `<script>` or `a"b` is shown, never run. Dotfiles are left out unless `dotfiles`.
 */
export function renderDirectoryListing(
  urlPath: string,
  entries: readonly Dirent[],
  dotfiles = false,
): string {
  const shown = entries
    .filter((e) => dotfiles || !e.name.startsWith('.'))
    .sort(
      (a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || a.name.localeCompare(b.name),
    );
  const rows = shown.map((e) => {
    const name = e.isDirectory() ? `${e.name}/` : e.name;
    return `<li><a href="${escapeHtml(encodeURIComponent(e.name))}${e.isDirectory() ? '/' : ''}">${escapeHtml(name)}</a></li>`;
  });
  const up = urlPath === '/' ? '' : '<li><a href="../">../</a></li>';
  const title = `Index of ${escapeHtml(urlPath)}`;
  return `<!doctype html><meta charset="utf-8"><title>${title}</title><style>body{font:14px system-ui,sans-serif;margin:2em}li{list-style:none;padding:2px}</style><h1>${title}</h1><ul>${up}${rows.join('')}</ul>\n`;
}
