/**
 * Small pure statistics the runner reports: fairness over connections, medians and
 * the percentiles at which the latency curve is sampled.
 */
import { round } from '../model/numbers.js';

/**
 * Jain's fairness index over per-connection counts: (Σx)² / (n·Σx²).
 * 1 when every connection carried the same load, 1/n when one carried all of it.
 * An empty or all-zero list is perfectly (vacuously) fair: 1.
 */
export function jainIndex(counts: readonly number[]): number {
  let sum = 0;
  let sumOfSquares = 0;
  for (const x of counts) {
    sum += x;
    sumOfSquares += x * x;
  }
  if (counts.length === 0 || sumOfSquares === 0) return 1;
  return (sum * sum) / (counts.length * sumOfSquares);
}

/** Median of a list (mean of the two middle values for an even length); 0 when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? 0;
  if (sorted.length % 2 === 1) return upper;
  return ((sorted[mid - 1] ?? 0) + upper) / 2;
}

/**
 * Busiest connection's count over the median connection's. The median is floored at 1
 * so that a run where most connections carried nothing stays a finite, large number.
 */
export function maxOverMedian(counts: readonly number[]): number {
  if (counts.length === 0) return 1;
  const max = Math.max(...counts);
  if (max === 0) return 1;
  return max / Math.max(1, median(counts));
}

/**
 * Percentiles at which the latency curve is sampled: coarse in the body, dense in the
 * tail (0, 5 … 50, 52 … 90, 90.5 … 99, 99.1 … 99.9, 99.91 … 99.99, 100).
 */
export const CURVE_PERCENTILES: readonly number[] = buildCurvePercentiles();

function buildCurvePercentiles(): number[] {
  const points: number[] = [];
  const addRange = (from: number, to: number, step: number): void => {
    // Integer steps avoid floating drift (90.5 + 0.5 + … never lands on 99.00000001).
    const n = Math.round((to - from) / step);
    for (let i = 0; i < n; i++) points.push(round(from + i * step, 4));
  };
  addRange(0, 50, 5);
  addRange(50, 90, 2);
  addRange(90, 99, 0.5);
  addRange(99, 99.9, 0.1);
  addRange(99.9, 99.99, 0.01);
  points.push(99.99, 100);
  return points;
}

