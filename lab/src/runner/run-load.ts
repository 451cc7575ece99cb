/**
 * The load run: `concurrency` connections drain one shared pool of `requests`
 * (k6 shared-iterations / loadtest semantics). A connection takes the next request
 * number as soon as it is free, so no more than `requests` are ever sent and a slow
 * connection simply carries fewer of them.
 */
import type { RunResult } from '../report-model.js';
import { LoadConnection, scenarioDispatch, type RunClock } from './connection.js';
import { normalizeRunOptions, type RunOptions } from './run-options.js';
import { RunRecorder } from './recorder.js';
import { RequestHandler, type RequestContext } from './request.js';
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
  const connections = Array.from(
    { length: Math.min(opts.concurrency, opts.requests) },
    () => new LoadConnection(opts.origin, opts.timeoutMs, clock),
  );
  const dispatchOptions = scenarioDispatch(opts);

  let sent = 0;
  let aborted = false;

  const sendNext = (connection: LoadConnection): void => {
    if (aborted || sent >= opts.requests) return;
    sent++;
    const handler = new RequestHandler(context, connection);
    try {
      connection.client.dispatch(dispatchOptions, handler);
    } catch (error) {
      handler.fail(error);
    }
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

  const context: RequestContext = {
    clock,
    recorder,
    requestDone(connection, failed) {
      if (opts.onProgress !== undefined) {
        try {
          opts.onProgress(recorder.completed, opts.requests);
        } catch (error) {
          // A throwing callback must not unwind through undici's parser: end the run with it.
          stop(error);
          return;
        }
      }
      if (recorder.completed === opts.requests) allDone();
      // After a success, dispatching at once is safe: undici queues the request and
      // writes it a turn later. A failure is reported from inside undici's error path
      // (which asserts its queue is empty afterwards), so the next request waits for
      // it to unwind; that also keeps synchronous failures from recursing.
      else if (failed) queueMicrotask(() => sendNext(connection));
      else sendNext(connection);
    },
  };

  const onAbort = (): void => stop(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });

  const cpuBefore = process.cpuUsage();
  startMs = performance.now();
  try {
    for (const connection of connections) sendNext(connection);
    await done;
    const cpu = process.cpuUsage(cpuBefore);
    return buildRunResult({
      options: opts,
      recorder,
      connections,
      totalTimeMs: recorder.lastCompletionMs,
      cpuMicros: cpu.user + cpu.system,
    });
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(connections.map((c) => (aborted ? c.client.destroy() : c.client.close())));
  }
}
