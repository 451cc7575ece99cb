/**
 * Every figure the lab reports over repetitions carries a 95% confidence interval.
 * Which interval, said once here and in every report (INTERVAL_METHOD):
 * - a mean over repetitions: Student's t interval, mean ± t(0.975, n−1)·s/√n;
 * - a ratio of two such means (speedup): the delta-method interval of the ratio, with
 *   Welch–Satterthwaite degrees of freedom.
 * Repetitions are few (3–10), so a percentile bootstrap would undercover; the t
 * interval holds its 95% for roughly normal repetitions (checked in the tests).
 */
import { mean, sampleStandardDeviation } from 'simple-statistics';

export const INTERVAL_METHOD = "95% Student-t interval over repetitions (speedup: delta-method interval of the ratio of means, Welch's degrees of freedom)";

/** Two-sided 95% critical values of Student's t for 1..30 degrees of freedom (a table, not a formula). */
const T_975: readonly number[] = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
  2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t(0.975, df): the table up to 30, then the step to the normal's 1.96 (df 40: 2.021, 60: 2.000, 120: 1.980). */
export function tCritical95(df: number): number {
  if (!(df >= 1)) return Infinity;
  const whole = Math.floor(df);
  if (whole <= 30) return T_975[whole - 1] ?? Infinity;
  if (whole <= 40) return 2.021;
  if (whole <= 60) return 2.0;
  if (whole <= 120) return 1.98;
  return 1.96;
}

/** A figure with its 95% interval. n: the repetitions it comes from. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
  n: number;
}

/** Half the interval's width over the value: ±3% is 0.03. Infinity for one repetition or a zero value. */
export function relativeHalfWidth(e: Estimate): number {
  if (e.n < 2 || e.value === 0) return Infinity;
  return (e.high - e.low) / 2 / Math.abs(e.value);
}

/** The mean of repetitions with its Student-t interval (one repetition: the value, an unbounded interval). */
export function meanInterval(values: readonly number[]): Estimate {
  const n = values.length;
  if (n === 0) return { value: 0, low: 0, high: 0, n: 0 };
  const m = mean([...values]);
  if (n === 1) return { value: m, low: -Infinity, high: Infinity, n };
  const half = (tCritical95(n - 1) * sampleStandardDeviation([...values])) / Math.sqrt(n);
  return { value: m, low: m - half, high: m + half, n };
}

/**
 * numerator/denominator of two means (each a list of repetitions), with the delta-method
 * interval: var(r) ≈ r²(s₁²/(n₁m₁²) + s₂²/(n₂m₂²)), df by Welch–Satterthwaite.
 */
export function ratioInterval(numerator: readonly number[], denominator: readonly number[]): Estimate {
  const n1 = numerator.length;
  const n2 = denominator.length;
  if (n1 === 0 || n2 === 0) return { value: 0, low: 0, high: 0, n: 0 };
  const m1 = mean([...numerator]);
  const m2 = mean([...denominator]);
  const r = m2 === 0 ? 0 : m1 / m2;
  const n = Math.min(n1, n2);
  if (n1 < 2 || n2 < 2 || m1 === 0 || m2 === 0) return { value: r, low: -Infinity, high: Infinity, n };
  const a = sampleStandardDeviation([...numerator]) ** 2 / (n1 * m1 * m1);
  const b = sampleStandardDeviation([...denominator]) ** 2 / (n2 * m2 * m2);
  const relVar = a + b;
  // Welch–Satterthwaite on the relative variances: (a+b)² / (a²/(n₁−1) + b²/(n₂−1)).
  const df = relVar === 0 ? Infinity : (relVar * relVar) / ((a * a) / (n1 - 1) + (b * b) / (n2 - 1));
  const half = tCritical95(Math.max(1, df)) * Math.abs(r) * Math.sqrt(relVar);
  return { value: r, low: r - half, high: r + half, n };
}

/** Every bound of an estimate multiplied by a constant (speedup → efficiency), the order kept. */
export function scaled(e: Estimate, factor: number): Estimate {
  const low = e.low * factor;
  const high = e.high * factor;
  return { value: e.value * factor, low: Math.min(low, high), high: Math.max(low, high), n: e.n };
}

/** How two figures compare once their uncertainty is taken into account. */
export type Separation = 'higher' | 'lower' | 'indistinguishable';

/**
 * a against b from their repetitions: Welch's interval of the difference of means
 * excludes zero (higher/lower) or does not (indistinguishable). Fewer than two
 * repetitions on either side can never be told apart.
 */
export function separation(a: readonly number[], b: readonly number[]): Separation {
  if (a.length < 2 || b.length < 2) return 'indistinguishable';
  const d = differenceInterval(a, b);
  if (d.low > 0) return 'higher';
  if (d.high < 0) return 'lower';
  return 'indistinguishable';
}

/** mean(a) − mean(b) with Welch's 95% interval. */
export function differenceInterval(a: readonly number[], b: readonly number[]): Estimate {
  const ma = mean([...a]);
  const mb = mean([...b]);
  const n = Math.min(a.length, b.length);
  if (a.length < 2 || b.length < 2) return { value: ma - mb, low: -Infinity, high: Infinity, n };
  const va = sampleStandardDeviation([...a]) ** 2 / a.length;
  const vb = sampleStandardDeviation([...b]) ** 2 / b.length;
  const se = Math.sqrt(va + vb);
  const df = va + vb === 0 ? Infinity : (va + vb) ** 2 / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  const half = tCritical95(Math.max(1, df)) * se;
  return { value: ma - mb, low: ma - mb - half, high: ma - mb + half, n };
}

/** "412 (398–426)": the value and its interval, each through `format` (or with that many decimals); an unbounded interval prints as "(±?)". */
export function formatEstimate(e: Estimate, format: number | ((v: number) => string) = 0): string {
  const f = typeof format === 'number' ? (v: number): string => v.toFixed(format) : format;
  if (!Number.isFinite(e.low) || !Number.isFinite(e.high)) return `${f(e.value)} (±?)`;
  return `${f(e.value)} (${f(e.low)}–${f(e.high)})`;
}
