/** Aligned plain-text tables for the sweep and scale reports: a header, a rule, padded cells. */

export interface TextColumn {
  title: string;
  align: 'left' | 'right';
}

export function textTable(columns: readonly TextColumn[], rows: readonly (readonly string[])[]): string[] {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => ((columns[i]?.align ?? 'left') === 'right' ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(columns.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

export function heading(title: string): string {
  return `${title}\n${'='.repeat(title.length)}`;
}
