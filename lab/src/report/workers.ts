/**
 * Per-worker figures of a mode in a stable order (worker labels sorted
 * naturally: 0, 1, 2 … 10), so every report lists workers the same way.
 */

import type { PerWorker } from '../model/report-model.js';
import { byLabel } from '../model/numbers.js';

export function sortedWorkers(perWorker: readonly PerWorker[]): PerWorker[] {
  return [...perWorker].sort((a, b) => byLabel(String(a.worker), String(b.worker)));
}

/**
 * Handler mean over all workers, weighted by the requests each answered; null
 * when no worker reported one.
 */
export function serverMeanMs(perWorker: readonly PerWorker[]): number | null {
  let weighted = 0;
  let requests = 0;
  for (const w of perWorker) {
    if (w.serverMeanMs === undefined || !Number.isFinite(w.serverMeanMs)) continue;
    const weight = w.requests > 0 ? w.requests : 0;
    weighted += w.serverMeanMs * weight;
    requests += weight;
  }
  return requests > 0 ? weighted / requests : null;
}
