/** A table as header cells and rows of cells, rendered as Markdown or as aligned text. */
export interface Table {
  header: string[];
  rows: string[][];
  /** How many leading columns hold names (aligned left); the rest are aligned right. */
  labels: number;
}

/** The table in Markdown. */
export function markdownTable(table: Table): string {
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  const align = table.header.map((_, i) => (i < table.labels ? '---' : '---:'));
  return [line(table.header), line(align), ...table.rows.map(line)].join('\n');
}

/** The table as text for the terminal, columns padded to line up. */
export function textTable(table: Table): string {
  const all = [table.header, ...table.rows];
  const widths = table.header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i < table.labels ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return all.map(line).join('\n');
}
