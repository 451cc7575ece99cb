/**
 * The Universal Scalability Law (Gunther) and its least-squares fit.
 *
 *   X(N) = λ·N / (1 + σ·(N − 1) + κ·N·(N − 1))
 *
 * X(N): throughput with N workers; λ: throughput of one worker without any overhead;
 * σ (contention): the share of the work that is serialised (a queue, a lock, the
 * primary); κ (coherency): the cost of the workers keeping each other consistent,
 * growing with every pair of workers. With κ > 0, throughput peaks at
 * N* = sqrt((1 − σ) / κ) and falls past it; with κ = 0 it flattens towards λ/σ.
 *
 * The fit: for a fixed λ the model is linear in σ and κ once rearranged,
 *
 *   λ·N/X − 1 = σ·(N − 1) + κ·N·(N − 1),
 *
 * so σ and κ come from a two-parameter linear least squares (normal equations, no
 * intercept), kept non-negative. λ is then chosen to minimise the squared residuals
 * in throughput itself (what was measured): a coarse scan, then a golden-section
 * refinement around the best point. Small, dependency-free and good enough for the
 * handful of points a scale run measures; the residuals are returned so a poor fit
 * shows.
 */
import { uslThroughput } from '../model/scale.js';

export interface ScalePoint {
  workers: number;
  /** Throughput, requests/s. */
  rps: number;
}

export interface UslFit {
  lambda: number;
  sigma: number;
  kappa: number;
  /** Worker count where the fitted throughput peaks; null when it never does (κ = 0 or σ ≥ 1). */
  peakWorkers: number | null;
  /** Fitted throughput at peakWorkers (or its asymptote λ/σ when there is no peak; null when σ = 0 too). */
  peakRps: number | null;
  /** Per point: measured, fitted, residual (measured − fitted) and residual / fitted. */
  residuals: { workers: number; rps: number; fitted: number; residual: number; relative: number }[];
  /** 1 − SS_res / SS_tot over the measured throughputs (1: perfect; ≤ 0: no better than their mean). */
  rSquared: number;
  /** Largest |relative residual|. */
  maxRelativeResidual: number;
}

/**
 * The points with the sums the linear step needs. y = λN/X − 1 is linear in λ, so
 * Σa·y and Σb·y are λ·(Σ aN/X) − Σa and λ·(Σ bN/X) − Σb: computed once, each λ tried
 * costs O(1) for σ, κ and O(points) for its squared error (the bootstrap refits thousands of times).
 */
interface Prepared {
  points: readonly ScalePoint[];
  saa: number;
  sab: number;
  sbb: number;
  sa: number;
  sb: number;
  saNX: number;
  sbNX: number;
}

function prepare(points: readonly ScalePoint[]): Prepared {
  const p: Prepared = { points, saa: 0, sab: 0, sbb: 0, sa: 0, sb: 0, saNX: 0, sbNX: 0 };
  for (const { workers: n, rps } of points) {
    const a = n - 1;
    const b = n * (n - 1);
    p.saa += a * a;
    p.sab += a * b;
    p.sbb += b * b;
    p.sa += a;
    p.sb += b;
    p.saNX += (a * n) / rps;
    p.sbNX += (b * n) / rps;
  }
  return p;
}

function sse(points: readonly ScalePoint[], lambda: number, sigma: number, kappa: number): number {
  let sum = 0;
  for (const p of points) {
    const r = p.rps - uslThroughput(p.workers, lambda, sigma, kappa);
    sum += r * r;
  }
  return sum;
}

/**
 * σ, κ ≥ 0 minimising Σ (y − σ·a − κ·b)² for the given λ (a = N − 1, b = N·(N − 1),
 * y = λN/X − 1), then the candidate with the least squared error in throughput: both
 * free (Cramer's rule), or one pinned at zero (the constrained optimum lies on an edge
 * when the free solution has a negative one), or both zero.
 */
function bestFor(p: Prepared, lambda: number): { sigma: number; kappa: number; sse: number } {
  const say = lambda * p.saNX - p.sa;
  const sby = lambda * p.sbNX - p.sb;
  let best = { sigma: 0, kappa: 0, sse: sse(p.points, lambda, 0, 0) };
  const consider = (sigma: number, kappa: number): void => {
    const e = sse(p.points, lambda, sigma, kappa);
    if (e < best.sse) best = { sigma, kappa, sse: e };
  };
  const det = p.saa * p.sbb - p.sab * p.sab;
  if (Math.abs(det) > 1e-12) {
    const sigma = (say * p.sbb - p.sab * sby) / det;
    const kappa = (p.saa * sby - p.sab * say) / det;
    if (sigma >= 0 && kappa >= 0) consider(sigma, kappa);
  }
  if (p.saa > 0) consider(Math.max(0, say / p.saa), 0);
  if (p.sbb > 0) consider(0, Math.max(0, sby / p.sbb));
  return best;
}

/**
 * Fits the USL to measured points (at least 3 distinct worker counts, positive
 * throughputs). Throws a one-line error otherwise.
 */
export function fitUsl(points: readonly ScalePoint[]): UslFit {
  const usable = points.filter((p) => p.workers >= 1 && p.rps > 0 && Number.isFinite(p.rps));
  if (new Set(usable.map((p) => p.workers)).size < 3) throw new Error('a USL fit needs positive throughput at 3 or more worker counts');
  // Without noise λ is at least the best throughput per worker seen (σ, κ ≥ 0 only ever
  // reduce it); measured throughput is noisy, and a floor there would bias λ (and σ, κ)
  // upwards whenever one worker's run was lucky, so the scan starts at half of it. For
  // any sane data λ lies within a few times it.
  const prepared = prepare(usable);
  const perWorker = Math.max(...usable.map((p) => p.rps / p.workers));
  const lo = perWorker / 2;
  const hi = perWorker * 4;
  const SCAN = 400;
  let bestLambda = lo;
  let bestErr = Number.POSITIVE_INFINITY;
  for (let i = 0; i <= SCAN; i++) {
    const lambda = lo + ((hi - lo) * i) / SCAN;
    const err = bestFor(prepared, lambda).sse;
    if (err < bestErr) {
      bestErr = err;
      bestLambda = lambda;
    }
  }
  // Golden-section refinement within one scan step either side.
  const step = (hi - lo) / SCAN;
  let a = Math.max(lo, bestLambda - step);
  let b = Math.min(hi, bestLambda + step);
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60; i++) {
    const c = b - g * (b - a);
    const d = a + g * (b - a);
    if (bestFor(prepared, c).sse < bestFor(prepared, d).sse) b = d;
    else a = c;
  }
  const lambda = (a + b) / 2;
  const { sigma, kappa } = bestFor(prepared, lambda);

  const residuals = usable.map((p) => {
    const fitted = uslThroughput(p.workers, lambda, sigma, kappa);
    return { workers: p.workers, rps: p.rps, fitted, residual: p.rps - fitted, relative: (p.rps - fitted) / fitted };
  });
  const mean = usable.reduce((s, p) => s + p.rps, 0) / usable.length;
  const ssTot = usable.reduce((s, p) => s + (p.rps - mean) ** 2, 0);
  const ssRes = residuals.reduce((s, r) => s + r.residual ** 2, 0);
  const peakWorkers = kappa > 0 && sigma < 1 ? Math.sqrt((1 - sigma) / kappa) : null;
  const peakRps = peakWorkers !== null ? uslThroughput(peakWorkers, lambda, sigma, kappa) : sigma > 0 ? lambda / sigma : null;
  return {
    lambda,
    sigma,
    kappa,
    peakWorkers,
    peakRps,
    residuals,
    rSquared: ssTot > 0 ? 1 - ssRes / ssTot : 1,
    maxRelativeResidual: Math.max(...residuals.map((r) => Math.abs(r.relative))),
  };
}
