/**
 * The scale report's words and cells, shared by the terminal and scale.html so both
 * print the same figures: each with its 95% interval, oversubscribed sizes marked,
 * the fit's parameters with their bootstrap intervals, or the one line saying why
 * there is no fit.
 */
import { formatEstimate, type Estimate } from '../model/interval.js';
import type { ScaleReport, ScaleRun } from '../model/scale.js';

/** Requests per second as fmtRps does: one decimal below 100, whole numbers above. */
const rpsDecimals = (value: number): number => (Math.abs(value) < 100 ? 1 : 0);
const msDecimals = (value: number): number => (Math.abs(value) < 10 ? 1 : 0);

export function rpsText(e: Estimate): string {
  return formatEstimate(e, rpsDecimals(e.value));
}

export function speedupText(e: Estimate | null): string {
  return e === null ? '1 (reference)' : `${formatEstimate(e, 2)}×`;
}

export const SCALE_COLUMNS: readonly { title: string; align: 'left' | 'right' }[] = [
  { title: 'workers', align: 'right' },
  { title: 'req/s (95% CI)', align: 'right' },
  { title: 'speedup over 1 worker', align: 'right' },
  { title: 'p99 ms', align: 'right' },
  { title: 'CPU ms/req', align: 'right' },
  { title: 'errors', align: 'right' },
  { title: 'USL fitted', align: 'right' },
  { title: 'note', align: 'left' },
];

function note(report: ScaleReport, p: ScaleRun): string {
  if (p.oversubscribed) return `oversubscribed (${report.cores} cores): not fitted`;
  const r = report.fit?.residuals.find((x) => x.workers === p.workers);
  if (r === undefined) return '';
  const inside = r.fitted >= p.throughput.low && r.fitted <= p.throughput.high;
  return `${r.relative >= 0 ? '+' : ''}${(r.relative * 100).toFixed(1)}% off the curve, ${inside ? 'inside' : 'outside'} the interval`;
}

export function scaleRows(report: ScaleReport): string[][] {
  const fitted = new Map((report.fit?.residuals ?? []).map((r) => [r.workers, r.fitted]));
  return report.points.map((p) => {
    const f = fitted.get(p.workers);
    return [
      String(p.workers),
      rpsText(p.throughput),
      speedupText(p.speedup),
      formatEstimate(p.p99Ms, msDecimals(p.p99Ms.value)),
      p.cpuPerRequestMs === null ? '–' : formatEstimate(p.cpuPerRequestMs, 2),
      String(p.errors),
      f === undefined ? '–' : f.toFixed(rpsDecimals(f)),
      note(report, p),
    ];
  });
}

/** "peak at 12.3 (9.1–16.0) workers", with a peak that may be infinitely far (κ = 0). */
function peakText(e: Estimate, noPeakShare: number): string {
  const w = (v: number): string => v.toFixed(1);
  const none = Number.isFinite(noPeakShare) && noPeakShare > 0 ? ` (κ = 0, no peak, in ${(noPeakShare * 100).toFixed(0)}% of resamples)` : '';
  if (e.low === -Infinity) return Number.isFinite(e.value) ? `peak at ${w(e.value)} workers (±?)` : 'no peak (κ = 0) (±?)';
  if (!Number.isFinite(e.value)) {
    return Number.isFinite(e.low)
      ? `no peak (κ = 0: throughput flattens); 95% interval: a peak at ${w(e.low)} workers or beyond, or none${none}`
      : `no peak (κ = 0: throughput flattens), in at least 97.5% of resamples`;
  }
  if (!Number.isFinite(e.high)) return `peak at ${w(e.value)} workers; 95% interval: from ${w(e.low)} workers to no peak at all${none}`;
  return `peak at ${w(e.value)} (${w(e.low)}–${w(e.high)}) workers${none}`;
}

/** The fit in a few lines, or the one line saying why there is none. */
export function fitLines(report: ScaleReport): string[] {
  const { fit, intervals } = report;
  if (fit === null || intervals === null) return [report.cannotFit ?? 'USL fit: none'];
  const sizes = fit.residuals.map((r) => r.workers);
  const bootstrap = intervals.resamples > 0
    ? `σ, κ, λ and the peak: 95% percentile bootstrap over repetitions (each size's repetitions resampled, refitted ${intervals.resamples} times, seeded generator, seed ${intervals.seed}: the same repetitions give the same intervals)`
    : 'one repetition at some size: nothing to resample, the intervals are unbounded (±?)';
  return [
    `USL fit over the ${sizes.length} sizes within the cores (${sizes.join(', ')} workers): `
      + `σ (contention) ${formatEstimate(intervals.sigma, 3)}, κ (coherency) ${formatEstimate(intervals.kappa, 4)}, `
      + `λ ${rpsText(intervals.lambda)} req/s per worker; ${peakText(intervals.peakWorkers, intervals.noPeakShare)}`,
    bootstrap,
  ];
}

/** Which sizes ran, how often, and why the repetitions stopped. */
export function runLine(report: ScaleReport): string {
  const over = report.points.filter((p) => p.oversubscribed).map((p) => p.workers);
  const oversubscribed = over.length === 0 ? '' : `; ${over.join(', ')} exceed the ${report.cores} cores: shown, not fitted`;
  const max = report.points.at(-1)?.workers ?? 0;
  return `1 to ${max} workers, one after the other, each warmed to a steady CPU per request once and repeated (at least ${report.repeat} repetition${report.repeat === 1 ? '' : 's'} each); ${report.repetitions}${oversubscribed}`;
}

export const MODEL_NOTE = "X(N) = λN / (1 + σ(N−1) + κN(N−1)): σ is contention (serialised work), κ coherency (a cost growing with every pair of workers). The load generator shares the machine's cores, so even at the core count it competes with the workers.";
