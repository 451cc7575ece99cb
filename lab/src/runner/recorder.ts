/**
 * Collects every finished request of a run: latency distributions (all, first on a
 * socket, later ones), the latency timeline, per-worker counts and the error buckets.
 *
 * Definitions (the same as loadtest's "Completed requests" / "Total errors"):
 *   - completed: requests that finished, successfully or not; every request the
 *     runner sends ends up here exactly once.
 *   - errors: non2xx (a complete response outside 2xx), socket (no complete
 *     response: refused, reset, closed, parse error), timeout (no complete response
 *     within timeoutMs); total = their sum, so completed - errors.total succeeded.
 *   - latency (request written → body fully read), timeline, per-worker and
 *     first-vs-later cover the requests that got a complete response (2xx or not);
 *     socket errors and timeouts carry no latency.
 */
import type { RunErrors } from '../model/report-model.js';
import { LatencyDistribution } from './latency.js';
import type { Outcome } from './outcome.js';
import type { RequestObserver } from './run-options.js';
import { byLabel, round } from '../model/numbers.js';

export class RunRecorder {
  readonly all = new LatencyDistribution();
  readonly firstOnSocket = new LatencyDistribution();
  readonly laterOnSocket = new LatencyDistribution();
  readonly perWorker = new Map<string, number>();
  completed = 0;
  /** Completion time of the last finished request, ms since start. */
  lastCompletionMs = 0;
  #non2xx = 0;
  #socket = 0;
  #timeout = 0;
  /** Interleaved [completion ms, latency ms] pairs, preallocated for the whole run. */
  readonly #timeline: Float64Array;
  #timelineLength = 0;

  readonly #observer: RequestObserver | undefined;

  constructor(requests: number, observer?: RequestObserver) {
    this.#timeline = new Float64Array(requests * 2);
    this.#observer = observer;
  }

  /** A complete response (any status). */
  response(outcome: 'ok' | 'non2xx', completedAtMs: number, latencyMs: number, worker: string, firstOnSocket: boolean): void {
    this.#finish(completedAtMs);
    this.#observer?.observe(outcome, latencyMs);
    if (outcome === 'non2xx') this.#non2xx++;
    this.all.record(latencyMs);
    (firstOnSocket ? this.firstOnSocket : this.laterOnSocket).record(latencyMs);
    this.perWorker.set(worker, (this.perWorker.get(worker) ?? 0) + 1);
    const i = this.#timelineLength;
    if (i + 1 < this.#timeline.length) {
      this.#timeline[i] = completedAtMs;
      this.#timeline[i + 1] = latencyMs;
      this.#timelineLength = i + 2;
    }
  }

  /** A request that ended without a complete response. */
  failure(outcome: Exclude<Outcome, 'ok' | 'non2xx'>, completedAtMs: number): void {
    this.#finish(completedAtMs);
    this.#observer?.observe(outcome, null);
    if (outcome === 'timeout') this.#timeout++;
    else this.#socket++;
  }

  #finish(completedAtMs: number): void {
    this.completed++;
    if (completedAtMs > this.lastCompletionMs) this.lastCompletionMs = completedAtMs;
  }

  errors(): RunErrors {
    return {
      non2xx: this.#non2xx,
      socket: this.#socket,
      timeout: this.#timeout,
      total: this.#non2xx + this.#socket + this.#timeout,
    };
  }

  timeline(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.#timelineLength; i += 2) {
      out.push([round(this.#timeline[i] ?? 0, 3), round(this.#timeline[i + 1] ?? 0, 3)]);
    }
    return out;
  }

  perWorkerRecord(): Record<string, number> {
    return Object.fromEntries([...this.perWorker].sort(([a], [b]) => byLabel(a, b)));
  }
}
