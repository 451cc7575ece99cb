/**
 * The load of one resilience round: the seed's closed loop (the lab runner's
 * connections and option rules: `concurrency` keep-alive connections drawing from
 * one pool of `requests`), with three things a plain run lacks:
 *
 *   - every failure is counted by kind (reset, refused, timeout, 5xx, …);
 *   - stopSending(): a graceful stop is measured on the requests sent before it,
 *     the way a load balancer stops sending to an instance it is stopping; what
 *     was in flight must still be answered;
 *   - sendUntil(promise): a rolling restart or a crash is measured under load from
 *     start to end, so the load goes on past `requests` until the event is over.
 *
 * A connection whose request failed waits RETRY_PAUSE_MS before its next one, so a
 * port that refuses is not hammered thousands of times a second: the failure
 * counts say how many requests a client would have lost, not how fast it retries.
 */
import type { RunClock } from '../runner/connection.js';
import { LoadCore, type Exchange } from '../runner/load-core.js';
import { normalizeRunOptions, type RunOptions } from '../runner/run-options.js';
import { failureKind, statusFailure } from '../runner/outcome.js';
import type { FailureCounts, FailureKind, RoundLoadCounts } from '../model/resilience.js';
import { noFailures, totalFailures } from '../model/resilience.js';

export const RETRY_PAUSE_MS = 50;

export interface RoundLoad {
  /** Requests sent so far and requests settled (answered or failed). */
  readonly sent: () => number;
  readonly settled: () => number;
  /** From now on nothing new is sent; the run ends when what is in flight has settled. */
  stopSending(): void;
  /** Keep sending (past `requests` if need be) until `until` settles. */
  sendUntil(until: Promise<unknown>): void;
  /** Resolves once nothing more will be sent and every request sent has settled. */
  readonly finished: Promise<RoundLoadCounts>;
  /** Ends the run at once (on error paths): open connections are destroyed. */
  abort(): Promise<void>;
}

export function startRoundLoad(options: Pick<RunOptions, 'url' | 'requests' | 'concurrency' | 'keepAlive' | 'timeoutMs'>): RoundLoad {
  const opts = normalizeRunOptions(options);
  const startMs = performance.now();
  const clock: RunClock = { sinceStart: () => performance.now() - startMs };
  const failed: FailureCounts = noFailures();
  let sent = 0;
  let settled = 0;
  let answered = 0;
  let stopped = false;
  let extensions = 0;
  const pauses = new Set<NodeJS.Timeout>();

  let finish!: (counts: RoundLoadCounts) => void;
  const finished = new Promise<RoundLoadCounts>((resolve) => {
    finish = resolve;
  });
  const counts = (): RoundLoadCounts => ({ sent, answered, failed: { ...failed }, failedTotal: totalFailures(failed) });
  const maySend = (): boolean => !stopped && (sent < opts.requests || extensions > 0);
  const checkFinished = (): void => {
    if (!maySend() && settled === sent && pauses.size === 0) finish(counts());
  };

  const sendNext = (exchange: Exchange): void => {
    if (!maySend()) {
      checkFinished();
      return;
    }
    sent++;
    core.send(exchange);
  };

  const onEnd = (exchange: Exchange, error: unknown): void => {
    const kind: FailureKind | null = error === null ? statusFailure(exchange.status) : failureKind(error);
    settled++;
    if (kind === null) {
      answered++;
      sendNext(exchange);
    } else {
      failed[kind]++;
      // A connection whose request failed waits a little, so a refusing port is not spun on.
      const pause = setTimeout(() => {
        pauses.delete(pause);
        sendNext(exchange);
      }, RETRY_PAUSE_MS);
      pauses.add(pause);
    }
    checkFinished();
  };

  const core = new LoadCore({
    origin: opts.origin,
    path: opts.path,
    connections: Math.min(opts.concurrency, opts.requests),
    timeoutMs: opts.timeoutMs,
    keepAlive: opts.keepAlive,
    clock,
    onEnd,
  });

  for (const exchange of core.exchanges) sendNext(exchange);
  // Connections are closed once the run is over, whichever way it ended.
  void finished.then(() => core.close('destroy'));

  return {
    sent: () => sent,
    settled: () => settled,
    stopSending() {
      stopped = true;
      for (const pause of pauses) clearTimeout(pause);
      pauses.clear();
      checkFinished();
    },
    sendUntil(until) {
      extensions++;
      const end = (): void => {
        extensions--;
        checkFinished();
      };
      until.then(end, end);
    },
    finished,
    async abort() {
      stopped = true;
      for (const pause of pauses) clearTimeout(pause);
      pauses.clear();
      await core.close('destroy');
      finish(counts());
    },
  };
}
