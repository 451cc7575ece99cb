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

export function uslThroughput(n: number, lambda: number, sigma: number, kappa: number): number {
  return (lambda * n) / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

/** σ, κ ≥ 0 minimising Σ (y − σ·a − κ·b)² for the given λ (a = N − 1, b = N·(N − 1), y = λN/X − 1). */
function coefficientsFor(points: readonly ScalePoint[], lambda: number): { sigma: number; kappa: number }[] {
  let saa = 0;
  let sab = 0;
  let sbb = 0;
  let say = 0;
  let sby = 0;
  for (const p of points) {
    const a = p.workers - 1;
    const b = p.workers * (p.workers - 1);
    const y = (lambda * p.workers) / p.rps - 1;
    saa += a * a;
    sab += a * b;
    sbb += b * b;
    say += a * y;
    sby += b * y;
  }
  const candidates: { sigma: number; kappa: number }[] = [{ sigma: 0, kappa: 0 }];
  // Both free: solve [saa sab; sab sbb]·[σ κ] = [say sby] (Cramer's rule).
  const det = saa * sbb - sab * sab;
  if (Math.abs(det) > 1e-12) {
    const sigma = (say * sbb - sab * sby) / det;
    const kappa = (saa * sby - sab * say) / det;
    if (sigma >= 0 && kappa >= 0) candidates.push({ sigma, kappa });
  }
  // One of them pinned at zero (the constrained optimum lies on an edge when the free one went negative).
  if (saa > 0) candidates.push({ sigma: Math.max(0, say / saa), kappa: 0 });
  if (sbb > 0) candidates.push({ sigma: 0, kappa: Math.max(0, sby / sbb) });
  return candidates;
}

function sse(points: readonly ScalePoint[], lambda: number, sigma: number, kappa: number): number {
  let sum = 0;
  for (const p of points) {
    const r = p.rps - uslThroughput(p.workers, lambda, sigma, kappa);
    sum += r * r;
  }
  return sum;
}

function bestFor(points: readonly ScalePoint[], lambda: number): { sigma: number; kappa: number; sse: number } {
  let best = { sigma: 0, kappa: 0, sse: Number.POSITIVE_INFINITY };
  for (const c of coefficientsFor(points, lambda)) {
    const e = sse(points, lambda, c.sigma, c.kappa);
    if (e < best.sse) best = { ...c, sse: e };
  }
  return best;
}

/**
 * Fits the USL to measured points (at least 3 distinct worker counts, positive
 * throughputs). Throws a one-line error otherwise.
 */
export function fitUsl(points: readonly ScalePoint[]): UslFit {
  const usable = points.filter((p) => p.workers >= 1 && p.rps > 0 && Number.isFinite(p.rps));
  if (new Set(usable.map((p) => p.workers)).size < 3) throw new Error('a USL fit needs positive throughput at 3 or more worker counts');
  // λ is at least the best throughput per worker seen (σ, κ ≥ 0 only ever reduce it) and,
  // for any sane data, within a few times it.
  const perWorker = Math.max(...usable.map((p) => p.rps / p.workers));
  const lo = perWorker;
  const hi = perWorker * 4;
  const SCAN = 400;
  let bestLambda = lo;
  let bestErr = Number.POSITIVE_INFINITY;
  for (let i = 0; i <= SCAN; i++) {
    const lambda = lo + ((hi - lo) * i) / SCAN;
    const err = bestFor(usable, lambda).sse;
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
    if (bestFor(usable, c).sse < bestFor(usable, d).sse) b = d;
    else a = c;
  }
  const lambda = (a + b) / 2;
  const { sigma, kappa } = bestFor(usable, lambda);

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
