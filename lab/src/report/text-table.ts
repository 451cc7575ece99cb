/** Aligned plain-text tables for the sweep and scale reports: a header, a rule, padded cells. */

export interface TextColumn {
  title: string;
  align: 'left' | 'right';
}

/**
 * A row with fewer cells than columns (a topology that did not run, with its reason)
 * lets its last cell run on past the columns it does not fill: that cell does not
 * widen its column.
 */
export function textTable(columns: readonly TextColumn[], rows: readonly (readonly string[])[]): string[] {
  const counted = (r: readonly string[], i: number): string => (r.length < columns.length && i === r.length - 1 ? '' : (r[i] ?? ''));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => counted(r, i).length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => ((columns[i]?.align ?? 'left') === 'right' ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(columns.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

export function heading(title: string): string {
  return `${title}\n${'='.repeat(title.length)}`;
}
