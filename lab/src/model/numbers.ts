/** Small numeric helpers the reports and the measuring code share. */

/** Round to a number of decimals (for JSON that stays readable). */
export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** Labels in natural order (0, 1, 2 … 10): workers, replicas, anything numbered. */
export function byLabel(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
