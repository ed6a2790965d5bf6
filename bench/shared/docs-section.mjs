// The generated sections of docs/benchmarks.md: each bench owns the text between its two
// markers (`<!-- bench:NAME:start -->` / `<!-- bench:NAME:end -->`) and nothing else.
import { readFileSync, writeFileSync } from 'node:fs';

/** The start and end markers of the section `name` (`serve`, `stack`, `door`). */
export function docsMarkers(name) {
  return { start: `<!-- bench:${name}:start -->`, end: `<!-- bench:${name}:end -->` };
}

/** `text` with the section between `start` and `end` replaced (appended when missing). */
export function replaceDocsSection(text, markdown, { start, end }) {
  const block = `${start}\n${markdown}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  return from >= 0 && to > from
    ? `${text.slice(0, from)}${block}${text.slice(to + end.length)}`
    : `${text.trimEnd()}\n\n${block}\n`;
}

/** Rewrites the section `name` of the markdown file at `path`. */
export function updateDocsSection(path, name, markdown) {
  writeFileSync(path, replaceDocsSection(readFileSync(path, 'utf8'), markdown, docsMarkers(name)));
}
