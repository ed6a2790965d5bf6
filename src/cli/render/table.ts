/** A column: header text and whether it may be cut to fit the terminal. */
export interface Column {
  header: string;
  /** The last flexible column absorbs truncation when the table is wider than the screen. */
  flexible?: boolean;
}

/**
 * Lays out rows as aligned text columns separated by two spaces. With `maxWidth`, the flexible
 * column is cut (with `…`) so lines fit; without it (a pipe), nothing is cut.
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  maxWidth?: number,
): string {
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const flex = columns.findIndex((c) => c.flexible);
  if (maxWidth !== undefined && flex >= 0) {
    const total = widths.reduce((a, b) => a + b, 0) + 2 * (columns.length - 1);
    if (total > maxWidth)
      widths[flex] = Math.max(columns[flex]!.header.length, widths[flex]! - (total - maxWidth));
  }
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const width = widths[i]!;
        const text = cell.length > width ? `${cell.slice(0, Math.max(0, width - 1))}…` : cell;
        return i === cells.length - 1 ? text : text.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n');
}
