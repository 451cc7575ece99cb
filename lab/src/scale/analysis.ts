/**
 * From the repetitions at each worker count to what the scale report says: each size's
 * figures with their 95% intervals, which sizes are oversubscribed, and the USL fit
 * with bootstrap intervals over the in-core sizes only, or the one line saying why
 * there is none.
 *
 * Sizes past the cores are kept out of the fit: there the workers (and the load
 * generator) time-share cores, and the USL would read that scheduler's cost as the
 * app's contention and coherency.
 */
import { meanInterval, ratioInterval, type Estimate } from '../model/interval.js';
import { bootstrapUsl, type UslIntervals } from './bootstrap.js';
import type { ScaleRepetition, ScaleRun } from '../model/scale.js';
import type { UslFit } from './usl.js';

/** Worker counts the USL fit needs (three points for three parameters). */
export const MIN_FIT_SIZES = 3;

export interface MeasuredSize {
  workers: number;
  repetitions: readonly ScaleRepetition[];
}

export interface ScaleAnalysis {
  points: ScaleRun[];
  fit: UslFit | null;
  intervals: UslIntervals | null;
  cannotFit: string | null;
  warnings: string[];
}

function sizeList(workers: readonly number[]): string {
  return workers.length === 0 ? 'none' : workers.join(', ');
}

/** The one line when fewer than MIN_FIT_SIZES sizes lie within the cores. */
export function cannotFitLine(inCore: readonly number[], cores: number): string {
  const why = cores < MIN_FIT_SIZES
    ? `this machine cannot fit the USL curve: it needs ${MIN_FIT_SIZES} worker counts within the cores and ${cores} core${cores === 1 ? '' : 's'} allow only ${sizeList(inCore)}`
    : `this run cannot fit the USL curve: it needs ${MIN_FIT_SIZES} worker counts within the ${cores} cores and measured ${sizeList(inCore)} (WORKERS=${MIN_FIT_SIZES} or more)`;
  return `${why}; the measured points follow.`;
}

function point(size: MeasuredSize, reference: readonly number[] | undefined, cores: number): ScaleRun {
  const runs = size.repetitions.map((r) => r.rps);
  const throughput = meanInterval(runs);
  const cpu = size.repetitions.map((r) => r.cpuPerRequestMs).filter((c): c is number => c !== null);
  return {
    workers: size.workers,
    oversubscribed: size.workers > cores,
    rps: throughput.value,
    runs,
    throughput,
    speedup: size.workers === 1 || reference === undefined ? null : ratioInterval(runs, reference),
    p99Ms: meanInterval(size.repetitions.map((r) => r.p99Ms)),
    cpuPerRequestMs: cpu.length === 0 ? null : meanInterval(cpu),
    errors: size.repetitions.reduce((n, r) => n + r.errors, 0),
    repetitions: [...size.repetitions],
  };
}

const outside = (value: number, e: Estimate): boolean => value < e.low || value > e.high;

export function analyseScale(sizes: readonly MeasuredSize[], cores: number, bootstrap: { resamples?: number; seed?: number } = {}): ScaleAnalysis {
  const measured = sizes.filter((s) => s.repetitions.length > 0).sort((a, b) => a.workers - b.workers);
  const reference = measured.find((s) => s.workers === 1)?.repetitions.map((r) => r.rps);
  const points = measured.map((s) => point(s, reference, cores));
  const inCore = points.filter((p) => !p.oversubscribed);
  const warnings: string[] = [];
  let fit: UslFit | null = null;
  let intervals: UslIntervals | null = null;
  let cannotFit: string | null = null;
  if (inCore.length < MIN_FIT_SIZES) {
    cannotFit = cannotFitLine(inCore.map((p) => p.workers), cores);
  } else {
    ({ fit, intervals } = bootstrapUsl(inCore.map((p) => ({ workers: p.workers, runs: p.runs })), bootstrap));
    const fitted = fit;
    const missed = inCore.filter((p) => outside(fitted.residuals.find((r) => r.workers === p.workers)?.fitted ?? p.rps, p.throughput));
    if (missed.length > 0) {
      warnings.push(`the USL curve misses the measured 95% interval at ${missed.map((p) => `${p.workers} worker${p.workers === 1 ? '' : 's'}`).join(', ')}: the model does not describe this run there`);
    }
  }
  if (points.some((p) => p.errors > 0)) warnings.push('some runs had errors: their throughput counts failed requests too');
  return { points, fit, intervals, cannotFit, warnings };
}
