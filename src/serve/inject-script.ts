/**
 * Inserts `tag` into an HTML document: before the last `</body>`, else before the last
 * `</html>` (both matched without regard to case, spaces allowed before `>`), else at the end.
 * Pure; the document is a string, so the caller decodes the bytes and recomputes
 * Content-Length.
 *
 * The last closing tag, not the first: an earlier `</body>` can only be text (inside a comment,
 * a `<script>` or a `<template>`), where a tag would not run or would break the script.
 */
export function injectBeforeBodyEnd(html: string, tag: string): string {
  const at = lastMatchIndex(html, /<\/body\s*>/gi) ?? lastMatchIndex(html, /<\/html\s*>/gi);
  return at === undefined ? html + tag : html.slice(0, at) + tag + html.slice(at);
}

/** An inline `<script>` with `source`, carrying `attributes` (values escaped). */
export function renderScriptTag(source: string, attributes: Record<string, string> = {}): string {
  if (/<\/script/i.test(source)) throw new Error('An inline script cannot contain "</script".');
  const attributeText = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join('');
  return `<script${attributeText}>${source}</script>`;
}

function lastMatchIndex(text: string, pattern: RegExp): number | undefined {
  let index: number | undefined;
  for (const match of text.matchAll(pattern)) index = match.index;
  return index;
}

function escapeAttribute(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}
