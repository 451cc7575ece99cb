/**
 * 95% intervals for the USL parameters by a percentile bootstrap over repetitions:
 * each size's repetitions are resampled with replacement, their means refitted, and
 * the 2.5th and 97.5th percentiles of σ, κ, λ and the peak over the refits are the
 * bounds. The fit is not linear in its parameters and σ, κ ≥ 0 is a boundary, so a
 * t interval has no formula here; the bootstrap needs none. The generator is seeded,
 * so the same repetitions give the same report.
 *
 * With 3–5 repetitions per size a percentile bootstrap is somewhat narrow (it sees
 * the spread of n values as if it were the population's); the tests measure its
 * coverage on synthetic data with known σ and κ.
 */
import type { Estimate } from '../model/interval.js';
import { fitUsl, type UslFit } from './usl.js';

export const BOOTSTRAP_RESAMPLES = 2000;
/** Fixed, so a report is reproducible from its JSON's repetitions. */
export const BOOTSTRAP_SEED = 18;

export interface SizeRepetitions {
  workers: number;
  /** Throughput of each repetition, req/s. */
  runs: readonly number[];
}

export interface UslIntervals {
  sigma: Estimate;
  kappa: Estimate;
  lambda: Estimate;
  /**
   * Worker count of the fitted peak. A resample with κ = 0 has no peak (throughput only
   * flattens): it counts as an infinitely far peak, so `high` (or even `value`) may be Infinity.
   */
  peakWorkers: Estimate;
  /** Share of the resamples whose fit has no peak (κ = 0). */
  noPeakShare: number;
  resamples: number;
  seed: number;
}

/** mulberry32: a small, well-mixed 32-bit generator; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

/** The p-quantile of ascending values (linear between order statistics); Infinity sorts last. */
function quantile(sorted: readonly number[], p: number): number {
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  if (lo === hi || a === b) return a;
  return a + (b - a) * (at - lo);
}

const ascending = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

function percentileEstimate(value: number, draws: number[], n: number): Estimate {
  draws.sort(ascending);
  return { value, low: quantile(draws, 0.025), high: quantile(draws, 0.975), n };
}

const peakOf = (fit: UslFit): number => fit.peakWorkers ?? Number.POSITIVE_INFINITY;

/**
 * The USL fitted to each size's mean throughput, with percentile-bootstrap intervals.
 * Needs 3 or more sizes (fitUsl's one-line error otherwise). With one repetition at
 * some size there is nothing to resample there: every interval is unbounded.
 */
export function bootstrapUsl(
  sizes: readonly SizeRepetitions[],
  options: { resamples?: number; seed?: number } = {},
): { fit: UslFit; intervals: UslIntervals } {
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const seed = options.seed ?? BOOTSTRAP_SEED;
  const fit = fitUsl(sizes.map((s) => ({ workers: s.workers, rps: mean(s.runs) })));
  const n = Math.min(...sizes.map((s) => s.runs.length));
  const peak = peakOf(fit);
  if (n < 2) {
    const unbounded = (value: number): Estimate => ({ value, low: -Infinity, high: Infinity, n });
    return {
      fit,
      intervals: { sigma: unbounded(fit.sigma), kappa: unbounded(fit.kappa), lambda: unbounded(fit.lambda), peakWorkers: unbounded(peak), noPeakShare: Number.NaN, resamples: 0, seed },
    };
  }
  const random = seededRandom(seed);
  const sigmas: number[] = [];
  const kappas: number[] = [];
  const lambdas: number[] = [];
  const peaks: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const points = sizes.map((s) => {
      let sum = 0;
      for (let i = 0; i < s.runs.length; i++) sum += s.runs[Math.floor(random() * s.runs.length)] ?? 0;
      return { workers: s.workers, rps: sum / s.runs.length };
    });
    const refit = fitUsl(points);
    sigmas.push(refit.sigma);
    kappas.push(refit.kappa);
    lambdas.push(refit.lambda);
    peaks.push(peakOf(refit));
  }
  return {
    fit,
    intervals: {
      sigma: percentileEstimate(fit.sigma, sigmas, n),
      kappa: percentileEstimate(fit.kappa, kappas, n),
      lambda: percentileEstimate(fit.lambda, lambdas, n),
      peakWorkers: percentileEstimate(peak, peaks, n),
      noPeakShare: peaks.filter((p) => p === Number.POSITIVE_INFINITY).length / resamples,
      resamples,
      seed,
    },
  };
}
