/**
 * The load run: `concurrency` connections drain one shared pool of `requests`
 * (k6 shared-iterations / loadtest semantics). A connection takes the next request
 * number as soon as it is free, so no more than `requests` are ever sent and a slow
 * connection simply carries fewer of them.
 */
import type { RunResult } from '../model/report-model.js';
import type { RunClock } from './connection.js';
import { LoadCore, type Exchange } from './load-core.js';
import { classifyError, classifyStatus } from './outcome.js';
import { normalizeRunOptions, type RunOptions } from './run-options.js';
import { RunRecorder } from './recorder.js';
import { buildRunResult } from './run-result.js';

/**
 * Sends `requests` GET requests to `url` over `concurrency` connections and measures
 * them. Every request sent is counted in `completed` exactly once, as a success or as
 * an error (non2xx, socket or timeout): completed = requests unless the run is aborted.
 * `min(concurrency, requests)` connections are opened, since more could never carry a
 * request. Total time runs from the first dispatch (before any connection is up) to
 * the last request's end; latency runs from a request's write to its body's end.
 *
 * Rejects with the signal's reason when aborted, or with the error an onProgress
 * callback threw; every connection is closed (destroyed then) before it settles.
 */
export async function runLoad(options: RunOptions): Promise<RunResult> {
  const opts = normalizeRunOptions(options);
  const { signal } = opts;
  signal?.throwIfAborted();

  let startMs = 0;
  const clock: RunClock = { sinceStart: () => performance.now() - startMs };
  const recorder = new RunRecorder(opts.requests, opts.observer);

  let sent = 0;
  let aborted = false;

  const sendNext = (exchange: Exchange): void => {
    if (aborted || sent >= opts.requests) return;
    sent++;
    core.send(exchange);
  };

  let allDone!: () => void;
  let stopRun!: (reason: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    allDone = resolve;
    stopRun = reject;
  });

  /** Ends the run early: nothing more is sent and runLoad rejects with `reason`. */
  const stop = (reason: unknown): void => {
    aborted = true;
    stopRun(reason);
  };

  /** Records a request that ended, then sends the next one on its connection. */
  const onEnd = (exchange: Exchange, error: unknown): void => {
    // Latency runs from the write: the generator's own queueing (undici writes a
    // keep-alive request a turn after dispatch) and connection setup stay out of it.
    if (error === null) recorder.response(classifyStatus(exchange.status), exchange.endedMs, exchange.endedMs - exchange.writtenMs, exchange.worker, exchange.firstOnSocket);
    else recorder.failure(classifyError(error), exchange.endedMs);
    if (opts.onProgress !== undefined) {
      try {
        opts.onProgress(recorder.completed, opts.requests);
      } catch (progressError) {
        // A throwing callback must not unwind through undici's parser: end the run with it.
        stop(progressError);
        return;
      }
    }
    if (recorder.completed === opts.requests) allDone();
    else sendNext(exchange);
  };

  const core = new LoadCore({
    origin: opts.origin,
    path: opts.path,
    connections: Math.min(opts.concurrency, opts.requests),
    timeoutMs: opts.timeoutMs,
    keepAlive: opts.keepAlive,
    addresses: opts.addresses,
    clock,
    onEnd,
  });

  const onAbort = (): void => stop(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });

  const cpuBefore = process.cpuUsage();
  startMs = performance.now();
  try {
    for (const exchange of core.exchanges) sendNext(exchange);
    await done;
    const cpu = process.cpuUsage(cpuBefore);
    return buildRunResult({
      options: opts,
      recorder,
      connections: core.connections,
      totalTimeMs: recorder.lastCompletionMs,
      cpuMicros: cpu.user + cpu.system,
    });
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await core.close(aborted ? 'destroy' : 'graceful');
  }
}
